import { h } from '../../../lib/dom.js';
import { choiceButton } from '../choice.js';
import type { ViewRenderer } from '../flow.js';

/** F1: first visit or follow-up, where the practice asks it. */
export const visitKindStep: ViewRenderer = (flow) => {
  const { t } = flow.context;
  flow.frame(
    'visitKind',
    t('visitKind.heading'),
    h(
      'ul',
      { class: 'choices' },
      (['first', 'followup'] as const).map((kind) =>
        choiceButton(t(`visitKind.${kind}`), t(`visitKind.${kind}Hint`), flow.state.answers.visitKind === kind, () => {
          flow.dispatch({ type: 'answered', step: 'visitKind', value: kind });
          flow.next('visitKind');
        }),
      ),
    ),
  );
};
