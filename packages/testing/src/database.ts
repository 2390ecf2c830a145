/**
 * Per-test Postgres databases, cloned from a migrated template (fast: a file copy, no migrations
 * per test). The guard refuses to create or drop any database whose name lacks "test".
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createPool, migrate, type Pool } from '@tally/db';

export function assertTestDatabaseName(name: string): void {
  if (!/test/.test(name) || !/^[a-z0-9_]+$/.test(name)) {
    throw new Error(`refusing to touch database "${name}": test databases must be named *test* ([a-z0-9_])`);
  }
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Drops a test database (the guard refuses any other). */
export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  assertTestDatabaseName(name);
  await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

/** Creates (or recreates) the migrated template database. Called once by the global setup. */
export async function prepareTemplate(adminUrl: string, name: string): Promise<void> {
  assertTestDatabaseName(name);
  await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
  const pool = createPool({ connectionString: withDatabase(adminUrl, name), max: 1 });
  try {
    await migrate(pool);
  } finally {
    await pool.end();
  }
}

export interface TestDatabase {
  name: string;
  url: string;
  pool: Pool;
  drop(): Promise<void>;
}

/** A fresh database of the test's own, cloned from the template. */
export async function createTestDatabase(adminUrl: string, template: string): Promise<TestDatabase> {
  const name = `tally_test_${randomBytes(6).toString('hex')}`;
  assertTestDatabaseName(name);
  assertTestDatabaseName(template);
  await adminQuery(adminUrl, `CREATE DATABASE ${name} TEMPLATE ${template}`);
  const url = withDatabase(adminUrl, name);
  const pool = createPool({ connectionString: url, max: 5 });
  return {
    name,
    url,
    pool,
    async drop() {
      await pool.end();
      await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}
