import { addApiKey, createPool, createTenant } from '@tally/db';
import type { BenchEnv } from './processes.ts';

/** Creates the bench tenant in the run's own database and returns its API key. */
export async function benchTenant(env: BenchEnv, id = 'bench'): Promise<string> {
  const pool = createPool({ connectionString: env.DATABASE_URL, max: 1 });
  try {
    await createTenant(pool, id);
    return await addApiKey(pool, id);
  } finally {
    await pool.end();
  }
}
