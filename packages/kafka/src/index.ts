export * from './client.ts';
export * from './topics-admin.ts';
export * from './event-producer.ts';
export * from './batch-consumer.ts';
