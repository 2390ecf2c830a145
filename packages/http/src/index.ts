export * from './errors.ts';
export * from './error-handler.ts';
export * from './observability.ts';
export * from './auth.ts';
export * from './base-app.ts';
export * from './lifecycle.ts';
export * from './process-faults.ts';
