export * from './client.ts';
export * from './batch.ts';
export * from './scan.ts';
