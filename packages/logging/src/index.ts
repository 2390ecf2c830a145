export * from './create-logger.ts';
export * from './shape.ts';
