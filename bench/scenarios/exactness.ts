/**
 * The long mode of issue 11's property test: the same test file (services/aggregator/test/
 * exactness.property.int.test.ts) with many more cases than a CI run (full: BENCH_PROPERTY_RUNS
 * or 3,000; quick: 50). Not a timing: it reports cases per second and fails the run if any case
 * does not match the reference model.
 */
import { spawnSync } from 'node:child_process';
import { ROOT } from '../lib/processes.ts';
import type { Figure } from '../lib/report.ts';

export function exactness(mode: 'quick' | 'full', notes: string[]): Promise<Figure[]> {
  const runs = mode === 'quick' ? 50 : Number(process.env.BENCH_PROPERTY_RUNS ?? 3000);
  const t0 = performance.now();
  const r = spawnSync(
    process.execPath,
    [
      `${ROOT}node_modules/vitest/vitest.mjs`,
      'run',
      'services/aggregator/test/exactness.property.int.test.ts',
    ],
    {
      cwd: ROOT,
      env: { ...process.env, PROPERTY_RUNS: String(runs) },
      encoding: 'utf8',
      maxBuffer: 64 * 2 ** 20,
    },
  );
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) {
    const tail = `${r.stdout}\n${r.stderr}`.split('\n').slice(-40).join('\n');
    return Promise.reject(new Error(`the property test failed on ${runs} cases:\n${tail}`));
  }
  notes.push(
    `exactness: the property test of issue 11 on ${runs.toLocaleString('en-US')} random cases (partitions, batches, duplicates, crashes, Redis loss and rebuild), every served figure equal to the reference model.`,
  );
  return Promise.resolve([
    {
      scenario: `exactness (${runs.toLocaleString('en-US')} property cases against the reference model)`,
      metric: 'cases per second, all exact',
      value: runs / seconds,
      unit: 'cases/s',
    },
  ]);
}
