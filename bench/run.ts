/**
 * The benchmark suite: `./tally bench [--quick] [--only a,b]`. Runs each scenario, prints a table,
 * writes bench/results/<mode>.json and, in full mode, BENCHMARKS.md. Quick mode (seconds per
 * scenario) is a smoke run for CI: it reports, it never fails on a goal — tests do not time things.
 */
import { parseArgs } from 'node:util';
import { freshness } from './scenarios/freshness.ts';
import { ingestEvents } from './scenarios/ingest-events.ts';
import { queryApi } from './scenarios/query-api.ts';
import { table, writeReports, type Figure } from './lib/report.ts';

type Scenario = (mode: 'quick' | 'full') => Promise<Figure[]>;
const SCENARIOS: Record<string, Scenario> = {
  'ingest-events': ingestEvents,
  'query-api': queryApi,
  freshness,
};

const { values } = parseArgs({ options: { quick: { type: 'boolean' }, only: { type: 'string' } } });
const mode = values.quick ? 'quick' : 'full';
const only = values.only?.split(',');
const figures: Figure[] = [];
const notes: string[] = [
  'Load generators (autocannon) run in their own process pinned to CPU 1 (taskset); the service under test is pinned to CPU 0 where a scenario says so. Kafka, Redis and Postgres share both cores.',
];
let failed = 0;
for (const [name, run] of Object.entries(SCENARIOS)) {
  if (only && !only.includes(name)) continue;
  const started = Date.now();
  process.stderr.write(`[bench] ${name} (${mode}) …\n`);
  try {
    figures.push(...(await run(mode)));
  } catch (err) {
    failed++;
    notes.push(`${name} failed: ${(err as Error).message}`);
    process.stderr.write(`[bench] ${name} failed: ${(err as Error).stack ?? String(err)}\n`);
  }
  process.stderr.write(`[bench] ${name} done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}
console.log(table(figures));
const out = writeReports(mode, figures, notes);
console.log(`\nwrote ${out.json}${mode === 'full' ? ` and ${out.md}` : ''}`);
// A scenario that could not run is an error in either mode; a missed goal is reported, not fatal.
process.exit(failed > 0 ? 1 : 0);
