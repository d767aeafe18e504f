import { h } from '../../../lib/dom.js';
import type { ViewRenderer } from '../flow.js';
import { bookAgain } from './sent.js';

/** After joining the waiting list: where the link to confirm the place went, and until when. */
export const waitlistSentView: ViewRenderer = (flow) => {
  const { t, fmt } = flow.context;
  const waitlist = flow.state.waitlist!;
  flow.frame(
    'waitlistSent',
    t(waitlist.channel === 'sms' ? 'sent.headingSms' : 'sent.headingEmail'),
    h(
      'div',
      {},
      h(
        'p',
        {},
        t('waitlist.sentBody', {
          contact: waitlist.contact,
          deadline: fmt.time(waitlist.confirmBy),
          firstDay: fmt.longDate(waitlist.firstDay),
          lastDay: fmt.longDate(waitlist.lastDay),
        }),
      ),
      h('p', { class: 'small muted' }, t('sent.notReceived')),
      bookAgain(flow),
    ),
  );
};
