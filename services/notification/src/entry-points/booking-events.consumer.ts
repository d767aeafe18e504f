import { queues } from '@otk/contracts';
import type { Broker } from '@otk/messaging';
import type { Logger } from 'pino';
import type pg from 'pg';
import type { Mailer } from '../data-access/mailer.js';
import { renderProvisionalRequest } from '../domain/provisional-request.email.js';
import { sendBookingEmail } from '../domain/send-booking-email.use-case.js';

export async function consumeBookingEvents(
  broker: Broker,
  deps: { pool: pg.Pool; mailer: Mailer; logger: Logger },
): Promise<void> {
  await broker.consumeEvents({
    queue: queues.notificationEvents,
    routingKeys: ['booking.held'],
    async handler(event) {
      switch (event.type) {
        case 'booking.held': {
          const to = event.data.booking.patient.email;
          if (to)
            await sendBookingEmail(deps, event.id, 'provisional-request', renderProvisionalRequest(event.data, to));
          return;
        }
      }
    },
  });
}
