import type { ServiceDefinition } from '@otk/runtime';
import { type Config, configSchema } from './config.js';
import { calendarSequenceRepository } from './data-access/calendar-sequence.repository.js';
import { createMailer } from './data-access/mailer.js';
import { messageLogRepository } from './data-access/message-log.repository.js';
import { migrations } from './data-access/migrations.js';
import { practiceSettingsRepository } from './data-access/practice-settings.repository.js';
import { httpJsonSmsGateway, twilioSmsGateway } from './data-access/sms-gateway.js';
import type { SmsGateway } from './domain/ports.js';
import { bookingEventsSubscription, consumeBookingEvents } from './entry-points/booking-events.consumer.js';
import { consumePracticeProfile, practiceProfileSubscription } from './entry-points/practice-profile.consumer.js';
import { serveSettingsCommands } from './entry-points/settings.rpc.js';
import { notificationMetrics } from './notification-metrics.js';
import { startRetention } from './entry-points/retention.timer.js';

export const notification: ServiceDefinition<typeof configSchema> = {
  name: 'notification',
  configSchema,
  migrations,
  subscriptions: [bookingEventsSubscription, practiceProfileSubscription],
  async start({ broker, pool, logger, config, metrics }) {
    const mailer = createMailer(config.SMTP_URL, { dkimPrivateKey: config.DKIM_PRIVATE_KEY });
    await consumeBookingEvents(
      broker,
      {
        settings: practiceSettingsRepository(pool),
        messageLog: messageLogRepository(pool, logger),
        calendarSequences: calendarSequenceRepository(pool),
        mailer,
        sms: smsGateway(config),
        metrics: notificationMetrics(metrics.registry),
        logger,
      },
      { maxAttempts: config.NOTIFICATION_MAX_ATTEMPTS, retryDelaysMs: config.NOTIFICATION_RETRY_DELAYS_MS },
    );
    await consumePracticeProfile(broker, pool);
    await serveSettingsCommands(broker, pool);
    const stopRetention = startRetention({ pool, now: () => new Date() }, logger, {
      intervalMs: config.RETENTION_INTERVAL_MS,
      days: config.RETENTION_MESSAGE_LOG_DAYS,
    });
    return {
      stop: async () => {
        await stopRetention();
        mailer.close();
      },
    };
  },
};

/** The config schema has checked that the chosen provider's variables are there. */
function smsGateway(config: Config): SmsGateway | undefined {
  switch (config.SMS_PROVIDER) {
    case 'twilio':
      return twilioSmsGateway({
        baseUrl: config.SMS_API_URL ?? 'https://api.twilio.com',
        accountSid: config.SMS_ACCOUNT_ID!,
        authToken: config.SMS_API_KEY!,
      });
    case 'http':
      return httpJsonSmsGateway({ url: config.SMS_API_URL!, apiKey: config.SMS_API_KEY! });
    case 'none':
      return undefined;
  }
}
