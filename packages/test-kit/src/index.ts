export * from './database.js';
export * from './broker.js';
export * from './smtp.js';
export * from './wait.js';
export * from './booking-events.js';
export * from './tcp-proxy.js';
export * from './logs.js';
