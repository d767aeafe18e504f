export { Broker, type BrokerOptions } from './broker.js';
export type { EventConsumerSpec } from './event-consumer.js';
export type { HandlerContext } from './handler-context.js';
export type { CommandHandler } from './rpc-server.js';
export { type Subscription, declareSubscriptions } from './subscriptions.js';
export { assertBeforeDeadline, currentDeadline } from './deadline.js';
export { type DeadLetterReport, type ParkedMessage, processDeadLetters } from './dead-letters.js';
