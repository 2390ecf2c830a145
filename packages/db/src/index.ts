export * from './pool.ts';
export * from './migrate.ts';
export * from './tenants.ts';
export * from './api-key-cache.ts';
export * from './api-keys.ts';
export * from './experiment-settings.ts';
