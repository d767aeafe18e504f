export * from './run-service.js';
export * from './public-server.js';
