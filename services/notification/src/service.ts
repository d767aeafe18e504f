import type { ServiceDefinition } from '@otk/runtime';
import { configSchema } from './config.js';
import { createMailer } from './data-access/mailer.js';
import { migrations } from './data-access/migrations.js';
import { consumeBookingEvents } from './entry-points/booking-events.consumer.js';

export const notification: ServiceDefinition<typeof configSchema> = {
  name: 'notification',
  configSchema,
  migrations,
  async start({ broker, pool, logger, config }) {
    const mailer = createMailer(config.SMTP_URL, config.MAIL_FROM);
    await consumeBookingEvents(broker, { pool, mailer, logger });
    return { stop: async () => mailer.close() };
  },
};
