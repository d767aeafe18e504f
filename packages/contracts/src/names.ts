/**
 * Exchange, queue and routing-key names, defined once. Renaming one strands messages in the old
 * queue: add the new name, migrate, then remove the old one.
 */
export const exchanges = {
  /** Topic exchange for all domain events; routing key = event type. */
  events: 'events',
  /**
   * Direct exchange for the notices that carry a patient's link token; only notification's queue
   * is bound to it, so no other consumer ever receives a token.
   */
  notices: 'notices',
  /** Direct exchange for retries and delayed messages coming back from delay queues. */
  redeliver: 'redeliver',
  /**
   * Headers exchange in front of the delay queues: it routes on a header, so a delayed message keeps
   * its own routing key for when its delay queue dead-letters it.
   */
  delay: 'delay',
  /**
   * Fanout exchange for occupancy notices (hints that a booking took time, ahead of its event).
   * Every following replica binds a queue of its own that lives as long as its connection.
   */
  occupancy: 'occupancy',
} as const;

export const queues = {
  holdManagerRpc: 'hold-manager.rpc',
  /** hold-manager's own events: the delayed expiry messages of its holds. */
  holdManagerEvents: 'hold-manager.events',
  /** hold-manager's waiting list follows the booking events that free time (ADR 26). */
  holdManagerWaitlist: 'hold-manager.waitlist',
  availabilityRpc: 'availability.rpc',
  notificationEvents: 'notification.events',
  /** notification's copy of the booking events for the practice's webhook endpoints, apart from its messages. */
  notificationWebhooks: 'notification.webhooks',
  /** notification's commands: the console reads and changes its message settings. */
  notificationRpc: 'notification.rpc',
  /** notification follows the practice profile that availability owns. */
  notificationPracticeEvents: 'notification.practice-events',
  availabilityEvents: 'availability.events',
  /** Imports from the practice system, apart from booking events so neither waits for the other. */
  availabilityPracticeEvents: 'availability.practice-events',
  pixelmedicsSyncEvents: 'pixelmedics-sync.events',
  pixelmedicsSyncRpc: 'pixelmedics-sync.rpc',
} as const;
