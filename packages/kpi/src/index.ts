export * from './counts.ts';
export * from './rates.ts';
export * from './wilson.ts';
export * from './alert-rules.ts';
export * from './alert-eval.ts';
