export { assertSchemaCurrent } from './assert-schema-current.js';
export { Listener, type ListenerOptions } from './listener.js';
export type { MigrationSet } from './migration-files.js';
export { appendToOutbox } from './outbox.js';
export { OutboxRelay, type OutboxRelayOptions } from './outbox-relay.js';
export { createPool, ping } from './pool.js';
export { markProcessed } from './processed-events.js';
export { runMigrations } from './run-migrations.js';
export { withTransaction } from './transaction.js';
