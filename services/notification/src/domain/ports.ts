import type { Audience, MessageKind } from './notice.js';
import type { OutgoingEmail } from './outgoing-email.js';
import type { PracticeSettings } from './practice-settings.js';

/**
 * What notifying needs from the outside world. The domain names them; `data-access/` implements
 * them (PostgreSQL, SMTP, SMS providers) and `service.ts` wires them; unit tests pass the
 * in-memory ones of `test/support/in-memory-ports.ts`.
 */

/** The practice's message settings, read for every event so that a change applies to the next message. */
export interface PracticeSettingsSource {
  load(): Promise<PracticeSettings>;
}

/** One message owed: the log keys it by (event id, recipient, kind). */
export interface MessageKey {
  eventId: string;
  recipient: string;
  kind: MessageKind;
}

/**
 * `claimed`: ours to send (the attempt is counted). `done`: sent, or refused for good, already (a
 * redelivered event). `busy`: another delivery of the same event is sending it right now.
 */
export type Claim = 'claimed' | 'done' | 'busy';

/** The message log that makes a redelivered event harmless: each message is sent at most once. */
export interface MessageLog {
  /** `bookingId`: the booking the message is about, or for a waiting-list message the entry. */
  claim(key: MessageKey, details: { audience: Audience; channel: 'email' | 'sms'; bookingId: string }): Promise<Claim>;
  /**
   * Records a sent message. The message is out and only this process knows it, so this must not
   * give up while the log is briefly unreachable: a lost mark means the message is sent again.
   */
  markSent(key: MessageKey, providerMessageId: string | undefined): Promise<void>;
  /** `permanent`: refused for good, never tried again; otherwise tried again on the next delivery. */
  markFailed(key: MessageKey, error: string, permanent: boolean): Promise<void>;
}

/**
 * The SEQUENCE of a booking's calendar file for one event: 0 for the first, one more for each
 * later event of the booking, the same again for a redelivered event.
 */
export interface CalendarSequences {
  sequenceFor(bookingId: string, eventId: string): Promise<number>;
}

export interface Mailer {
  /** Resolves with the server's message id; rejects with a DeliveryError. */
  send(email: OutgoingEmail): Promise<{ messageId: string }>;
  close(): void;
}

export interface OutgoingSms {
  /** E.164, e.g. +41791234567. */
  to: string;
  /** Alphanumeric sender id (up to 11 characters) or a number. */
  from: string;
  text: string;
  /** Stable per message (event, kind): lets a provider that supports it drop a duplicate. */
  reference: string;
}

/** Sends SMS through an external provider (N5). Rejects with a DeliveryError. */
export interface SmsGateway {
  readonly provider: string;
  send(sms: OutgoingSms): Promise<{ messageId: string | undefined }>;
}
