import { h } from '../../../lib/dom.js';
import { choiceButton } from '../choice.js';
import type { ViewRenderer } from '../flow.js';

/** F4: a practitioner who offers the type, or the next free one where several do. */
export const practitionerStep: ViewRenderer = async (flow) => {
  const data = await flow.catalogue();
  if (!data) return;
  const { t } = flow.context;
  const chosen = flow.state.answers.practitioner;
  const offering = data.practitioners.filter((p) => p.appointmentTypeIds.includes(flow.state.answers.type ?? ''));
  const pick = (id: string) => () => {
    flow.dispatch({ type: 'answered', step: 'practitioner', value: id });
    flow.next('practitioner');
  };
  flow.frame(
    'practitioner',
    t('practitioner.heading'),
    h(
      'ul',
      { class: 'choices' },
      offering.length > 1
        ? choiceButton(t('practitioner.any'), t('practitioner.anyHint'), chosen === 'any', pick('any'))
        : null,
      offering.map((p) => choiceButton(p.displayName, null, chosen === p.id, pick(p.id))),
    ),
  );
};
