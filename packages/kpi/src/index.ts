export * from './counts.ts';
export * from './rates.ts';
export * from './wilson.ts';
export * from './alert-rules.ts';
export * from './alert-eval.ts';
export * from './histogram.ts';
export * from './engagement.ts';
export * from './windows.ts';
