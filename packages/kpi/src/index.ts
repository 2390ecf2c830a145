export * from './counts.ts';
export * from './rates.ts';
export * from './histogram.ts';
export * from './engagement.ts';
export * from './windows.ts';
