import { announce, h } from '../../../lib/dom.js';
import type { Flow, ViewRenderer } from '../flow.js';

/** After sending: where the confirmation link went, and the time left to confirm. */
export const sentView: ViewRenderer = (flow) => {
  const { t, fmt } = flow.context;
  const hold = flow.state.hold!;
  const remaining = h('p', { class: 'countdown', role: 'timer', 'aria-live': 'off' });
  let expired = false;
  const tick = () => {
    if (expired) return;
    const left = Date.parse(hold.expiresAt) - Date.now();
    if (left <= 0) {
      expired = true;
      remaining.textContent = t('sent.expired');
      announce(t('sent.expired'));
      return;
    }
    remaining.textContent = t('sent.remaining', { time: fmt.countdown(left) });
  };
  flow.frame(
    'sent',
    t(hold.channel === 'sms' ? 'sent.headingSms' : 'sent.headingEmail'),
    h(
      'div',
      {},
      h(
        'p',
        {},
        t('sent.body', {
          contact: hold.contact,
          when: fmt.dateTime(hold.slot.start),
          deadline: fmt.time(hold.expiresAt),
        }),
      ),
      remaining,
      h('p', { class: 'small muted' }, t('sent.notReceived')),
      bookAgain(flow),
    ),
  );
  tick();
  flow.every(tick);
};

/** After sending: a fresh start of the flow, for another appointment. */
export function bookAgain(flow: Flow): HTMLElement {
  return h(
    'p',
    {},
    h(
      'button',
      {
        type: 'button',
        class: 'button secondary',
        onclick: () => {
          flow.dispatch({ type: 'restarted' });
          flow.go(flow.steps[0]!);
        },
      },
      flow.context.t('sent.bookAgain'),
    ),
  );
}
