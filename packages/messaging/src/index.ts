export { Broker, type BrokerOptions } from './broker.js';
export { type EventConsumerSpec, type EventHandler, type EventHandlers, sameHandlerFor } from './event-consumer.js';
export { type HandlerOutcome, type ReasonCode, done, retry, skipped } from './handler-outcome.js';
export type { HandlerContext } from './handler-context.js';
export type { CommandHandler } from './rpc-server.js';
export { type Subscription, declareSubscriptions } from './subscriptions.js';
export { assertBeforeDeadline, currentDeadline } from './deadline.js';
export { type DeadLetterReport, type ParkedMessage, processDeadLetters } from './dead-letters.js';
