import { h } from '../../../lib/dom.js';
import { slotPicker } from '../../../lib/slot-picker.js';
import type { ViewRenderer } from '../flow.js';

/** F5: a free time in the month view; when none suits, or an earlier one is wanted, the waiting list (ADR 26). */
export const datetimeStep: ViewRenderer = async (flow) => {
  const data = await flow.catalogue();
  if (!data) return;
  const { answers } = flow.state;
  flow.frame(
    'datetime',
    flow.context.t('datetime.heading'),
    slotPicker(flow.context, {
      appointmentTypeId: answers.type!,
      practitionerId: answers.practitioner!,
      selected: answers.datetime,
      practitionerName: (id) => data.practitioners.find((p) => p.id === id)?.displayName ?? id,
      onPick: (slot) => {
        flow.dispatch({ type: 'answered', step: 'datetime', value: slot });
        flow.next('datetime');
      },
    }),
    h(
      'section',
      { class: 'waitlist-entry', 'aria-labelledby': 'waitlist-entry-heading' },
      h('h2', { id: 'waitlist-entry-heading' }, flow.context.t('waitlist.entryHeading')),
      h('p', {}, flow.context.t('waitlist.entryBody')),
      h(
        'button',
        { type: 'button', class: 'button secondary', onclick: () => flow.go('waitlist') },
        flow.context.t('waitlist.join'),
      ),
    ),
  );
};
