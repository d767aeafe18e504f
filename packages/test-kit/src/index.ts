export * from './database.js';
export * from './broker.js';
export * from './smtp.js';
export * from './wait.js';
