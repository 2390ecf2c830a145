export * from './counts.ts';
export * from './rates.ts';
