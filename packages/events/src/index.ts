export * from './canonical-event.ts';
export * from './topics.ts';
export * from './dead-letter.ts';
export * from './issues.ts';
export * from './text.ts';
export * from './control-record.ts';
export * from './validators.gen.ts';
