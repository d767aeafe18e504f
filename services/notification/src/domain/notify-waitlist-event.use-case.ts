import {
  type WaitlistNotice,
  composeWaitlistEmail,
  composeWaitlistSms,
  waitlistKindOf,
} from './messages/compose-waitlist-message.js';
import { patientDelivery } from './notice.js';
import { type NotifyDeps, type NotifyResult, deliverEach } from './notify-booking-event.use-case.js';
import { outgoingEmailOf } from './outgoing-email.js';

/**
 * Tells the patient about their place on the waiting list (ADR 26): the link to confirm it, that
 * they are on it, or a freed slot offered with its link. Each message at most once per (event,
 * recipient, kind), by the patient's chosen channel; staff get no copies (nothing changes in the
 * practice calendar).
 */
export async function notifyWaitlistEvent(notice: WaitlistNotice, deps: NotifyDeps): Promise<NotifyResult> {
  const settings = await deps.settings.load();
  const { entry } = notice.data;
  const deliveries = patientDelivery(waitlistKindOf(notice.type), entry, settings, deps.sms !== undefined);
  const message = {
    eventId: notice.id,
    eventType: notice.type,
    subjectId: entry.entryId,
    occurredAt: notice.occurredAt,
  };
  return deliverEach(message, deliveries, deps, async (delivery) => {
    if (delivery.channel === 'sms') {
      return deps.sms!.send({
        to: delivery.recipient,
        from: settings.smsSender,
        text: composeWaitlistSms(notice, delivery, settings),
        reference: `${notice.id}:${delivery.kind}`,
      });
    }
    return deps.mailer.send(
      outgoingEmailOf(composeWaitlistEmail(notice, delivery, settings), notice.id, delivery, settings),
    );
  });
}
