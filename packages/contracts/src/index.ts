export * from './availability.js';
export * from './booking.js';
export * from './commands.js';
export * from './envelope.js';
export * from './errors.js';
export * from './events.js';
export * from './names.js';
export * from './practice.js';
