import { h } from '../../../lib/dom.js';
import { localized } from '../../../lib/i18n.js';
import { choiceButton } from '../choice.js';
import type { ViewRenderer } from '../flow.js';

/** F2: the group of appointment types, where the practice groups them; only groups with types. */
export const groupStep: ViewRenderer = async (flow) => {
  const data = await flow.catalogue();
  if (!data) return;
  const { t, language } = flow.context;
  const used = new Set(data.appointmentTypes.map((type) => type.groupId));
  const groups = data.groups.filter((group) => used.has(group.id));
  flow.frame(
    'group',
    t('group.heading'),
    groups.length === 0
      ? h('p', {}, t('type.none'))
      : h(
          'ul',
          { class: 'choices' },
          groups.map((group) =>
            choiceButton(localized(group.name, language), null, flow.state.answers.group === group.id, () => {
              flow.dispatch({ type: 'answered', step: 'group', value: group.id });
              flow.next('group');
            }),
          ),
        ),
  );
};
