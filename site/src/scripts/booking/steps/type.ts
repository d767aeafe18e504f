import { h } from '../../../lib/dom.js';
import { localized } from '../../../lib/i18n.js';
import { choiceButton } from '../choice.js';
import type { ViewRenderer } from '../flow.js';

/** F3: the appointment type, within the chosen group where the practice groups them. */
export const typeStep: ViewRenderer = async (flow) => {
  const data = await flow.catalogue();
  if (!data) return;
  const { t, language, practice } = flow.context;
  const { group } = flow.state.answers;
  const types = data.appointmentTypes.filter(
    (type) => !practice.steps.appointmentGroup || type.groupId === group || type.groupId === null,
  );
  flow.frame(
    'type',
    t('type.heading'),
    types.length === 0
      ? h('p', {}, t('type.none'))
      : h(
          'ul',
          { class: 'choices' },
          types.map((type) =>
            choiceButton(
              localized(type.name, language),
              t('type.duration', { minutes: type.durationMinutes }),
              flow.state.answers.type === type.id,
              () => {
                flow.dispatch({ type: 'answered', step: 'type', value: type.id });
                flow.next('type');
              },
            ),
          ),
        ),
  );
};
