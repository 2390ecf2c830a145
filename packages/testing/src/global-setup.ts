/**
 * Vitest global setup for integration tests: finds the real services (env) or starts them with
 * testcontainers (Docker), prepares the migrated template database, and provides both to tests.
 */
import type { TestProject } from 'vitest/node';
import { dropDatabase, prepareTemplate } from './database.ts';
import { servicesFromEnv, type TestServices } from './services.ts';
import { startContainers } from './containers.ts';

const TEMPLATE = `tally_test_template_${process.pid}`;

export default async function setup(project: TestProject) {
  // Every worker checks the event times its tests post against the run's start (event-times.ts).
  process.env.TALLY_TEST_RUN_START_MS ??= String(Date.now());
  let stop: (() => Promise<void>) | undefined;
  let found = servicesFromEnv(process.env);
  if (!found) {
    const started = await startContainers();
    found = started.services;
    stop = started.stop;
  }
  await prepareTemplate(found.databaseUrl, TEMPLATE);
  const services: TestServices = { ...found, templateDatabase: TEMPLATE };
  project.provide('services', services);
  return async () => {
    await dropDatabase(found.databaseUrl, TEMPLATE).catch(() => undefined);
    await stop?.();
  };
}
