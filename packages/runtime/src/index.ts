export * from './run-service.js';
export * from './operator-commands.js';
