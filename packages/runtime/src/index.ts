export * from './run-service.js';
export * from './public-server.js';
export * from './periodic-job.js';
export * from './operator-commands.js';
