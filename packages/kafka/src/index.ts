export * from './client.ts';
export * from './topics-admin.ts';
export * from './event-producer.ts';
export * from './batch-consumer.ts';
export * from './record-producer.ts';
export * from './topic-admin.ts';
export * from './partitioning.ts';
