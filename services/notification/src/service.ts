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
import { servePatientDataCommands } from './entry-points/patient-data.rpc.js';
import { serveSettingsCommands } from './entry-points/settings.rpc.js';
import { startRetention } from './entry-points/retention.timer.js';
import { startWebhookDelivery } from './entry-points/webhook-delivery.worker.js';
import { consumeWebhookEvents, webhookEventsSubscription } from './entry-points/webhook-events.consumer.js';
import { webhookCommands } from './entry-points/webhook.commands.js';
import { httpWebhookSender } from './data-access/webhook-sender.js';
import { webhookDeliveryRepository } from './data-access/webhook-delivery.repository.js';
import { webhookEndpointRepository } from './data-access/webhook-endpoint.repository.js';
import { manageLinkClient } from './data-access/manage-link.client.js';
import { reminderRepository } from './data-access/reminder.repository.js';
import { serveReminderOptOut } from './entry-points/reminder-opt-out.rpc.js';
import { startReminderSender } from './entry-points/reminder.worker.js';
import { serveWebhookAdminCommands } from './entry-points/webhook-admin.rpc.js';
import { notificationMetrics, reminderMetrics, webhookMetrics } from './notification-metrics.js';

/**
 * The notification service on a clock: the real one in production; tests move their own to see
 * reminders come due days ahead, across restarts.
 */
export function notificationService(now: () => Date = () => new Date()): ServiceDefinition<typeof configSchema> {
  return {
    name: 'notification',
    configSchema,
    migrations,
    subscriptions: [bookingEventsSubscription, practiceProfileSubscription, webhookEventsSubscription],
    operatorCommands: webhookCommands,
    async start({ broker, pool, logger, config, metrics }) {
      const mailer = createMailer(config.SMTP_URL, { dkimPrivateKey: config.DKIM_PRIVATE_KEY });
      const settings = practiceSettingsRepository(pool);
      const reminders = reminderRepository(pool);
      const notifyDeps = {
        settings,
        messageLog: messageLogRepository(pool, logger),
        calendarSequences: calendarSequenceRepository(pool),
        mailer,
        sms: smsGateway(config),
        metrics: notificationMetrics(metrics.registry),
        logger,
      };
      await consumeBookingEvents(
        broker,
        { ...notifyDeps, reminders, now },
        { maxAttempts: config.NOTIFICATION_MAX_ATTEMPTS, retryDelaysMs: config.NOTIFICATION_RETRY_DELAYS_MS },
      );
      const stopReminders = startReminderSender(
        {
          ...notifyDeps,
          reminders,
          manageLinks: manageLinkClient(broker, config.REMINDER_LINK_TIMEOUT_MS),
          reminderMetrics: reminderMetrics(metrics.registry),
          retry: { delaysMs: config.NOTIFICATION_RETRY_DELAYS_MS, maxAttempts: config.NOTIFICATION_MAX_ATTEMPTS },
          now,
        },
        logger,
        { intervalMs: config.REMINDER_POLL_INTERVAL_MS },
      );
      await serveReminderOptOut(broker, { reminders, now });
      const webhookEndpoints = webhookEndpointRepository(pool);
      const webhookDeliveries = webhookDeliveryRepository(pool);
      await consumeWebhookEvents(broker, { endpoints: webhookEndpoints, deliveries: webhookDeliveries, now });
      const stopWebhooks = startWebhookDelivery(
        {
          deliveries: webhookDeliveries,
          endpoints: webhookEndpoints,
          sender: httpWebhookSender({ timeoutMs: config.WEBHOOK_TIMEOUT_MS, userAgent: 'OTK-Webhooks/1' }),
          policy: {
            retryDelaysMs: config.WEBHOOK_RETRY_DELAYS_MS,
            maxAttempts: config.WEBHOOK_MAX_ATTEMPTS,
            disableAfterFailures: config.WEBHOOK_DISABLE_AFTER_FAILURES,
            disableAfterMs: config.WEBHOOK_DISABLE_AFTER_MS,
          },
          settings,
          mailer,
          metrics: webhookMetrics(metrics.registry),
          logger,
          now,
        },
        logger,
        { intervalMs: config.WEBHOOK_POLL_INTERVAL_MS, concurrency: config.WEBHOOK_CONCURRENCY },
      );
      await serveWebhookAdminCommands(broker, { endpoints: webhookEndpoints, deliveries: webhookDeliveries, now });
      await consumePracticeProfile(broker, pool);
      await serveSettingsCommands(broker, pool);
      await servePatientDataCommands(broker, pool);
      const stopRetention = startRetention({ pool, now }, logger, {
        intervalMs: config.RETENTION_INTERVAL_MS,
        days: config.RETENTION_MESSAGE_LOG_DAYS,
      });
      return {
        stop: async () => {
          await stopRetention();
          await stopReminders();
          await stopWebhooks();
          mailer.close();
        },
      };
    },
  };
}

export const notification = notificationService();

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
