import type { PracticeSettings } from '../practice-settings.js';
import type { Mailer } from '../ports.js';
import type { SigningSecrets, WebhookEndpoint, WebhookEventType } from './webhook-endpoint.js';
import type { AttemptOutcome } from './webhook-retry-policy.js';

/** A delivery due now, with what sending it needs. */
export interface DueDelivery {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  url: string;
  /** The body exactly as signed and sent on every attempt. */
  payload: string;
  /** Attempts before this one. */
  attempts: number;
  secrets: SigningSecrets;
}

export interface EndpointStreak {
  consecutiveFailures: number;
  failingSince: Date | null;
}

/** What one attempt changed: the delivery's state, and the endpoint's failure streak. */
export interface AttemptRecord {
  delivery: { status: 'delivered' } | { status: 'pending'; nextAttemptAt: Date } | { status: 'failed' };
  httpStatus: number | null;
  error: string | null;
  endpoint: EndpointStreak & { disable: boolean };
}

/** Records one attempt inside the transaction that holds the delivery. */
export interface AttemptRecorder {
  /** The endpoint's failure streak, locked so that concurrent attempts count one after another. */
  lockEndpointStreak(): Promise<EndpointStreak>;
  record(record: AttemptRecord): Promise<void>;
}

/** The deliveries table: the sender's work queue and the delivery log. */
export interface WebhookDeliveryQueue {
  /** One delivery per endpoint; a redelivered event adds nothing. Resolves with how many were new. */
  enqueue(
    event: { id: string; type: string; bookingId: string; occurredAt: string },
    deliveries: { endpointId: string; payload: string }[],
    now: Date,
  ): Promise<number>;
  /** Holds the next due delivery while `work` runs; false when nothing is due. */
  withNextDue(now: Date, work: (delivery: DueDelivery, attempt: AttemptRecorder) => Promise<void>): Promise<boolean>;
}

export interface WebhookEndpoints {
  subscribedTo(eventType: WebhookEventType): Promise<WebhookEndpoint[]>;
  disabledNoticesPending(): Promise<WebhookEndpoint[]>;
  disabledNoticeSent(id: string): Promise<void>;
}

/** Signs a body per Standard Webhooks and POSTs it. Never rejects: a failure is an outcome. */
export interface WebhookSender {
  send(request: {
    url: string;
    messageId: string;
    payload: string;
    secrets: string[];
    timestamp: Date;
  }): Promise<AttemptOutcome>;
}

export interface StaffMail {
  settings: { load(): Promise<PracticeSettings> };
  mailer: Mailer;
}
