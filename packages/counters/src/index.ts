export * from './keys.ts';
export * from './apply.ts';
export * from './read.ts';
export * from './state.ts';
export * from './scope-windows.ts';
export * from './read-tuples.ts';
