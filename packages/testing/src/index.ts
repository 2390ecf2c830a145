export * from './services.ts';
export * from './database.ts';
export * from './fixtures.ts';
export * from './kafka.ts';
export * from './event-times.ts';
export * from './log-tail.ts';
