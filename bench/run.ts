/**
 * The benchmark suite: `./tally bench [--quick] [--only a,b]`. Runs each scenario, prints a table,
 * writes bench/results/<mode>.json and, in full mode, BENCHMARKS.md (with bench/CHANGES.md, the
 * history of changes that moved a figure). Quick mode (seconds per scenario) is a smoke run for
 * CI: it reports, it never fails on a goal — tests do not time things. A scenario that cannot run
 * fails the run in either mode.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { aggregator } from './scenarios/aggregator.ts';
import { audience } from './scenarios/audience.ts';
import { decode } from './scenarios/decode.ts';
import { alertLatency } from './scenarios/alert-latency.ts';
import { exactness } from './scenarios/exactness.ts';
import { freshness } from './scenarios/freshness.ts';
import { ingestEvents } from './scenarios/ingest-events.ts';
import { ingestMix } from './scenarios/ingest-mix.ts';
import { ingestTwilio } from './scenarios/ingest-twilio.ts';
import { queryApi } from './scenarios/query-api.ts';
import { soak } from './scenarios/soak.ts';
import { peakRss, ROOT } from './lib/processes.ts';
import { table, writeReports, type Figure } from './lib/report.ts';
import { assertBuildCurrent } from '../scripts/build-stamp.ts';

type Scenario = (mode: 'quick' | 'full', notes: string[]) => Promise<Figure[]>;
const SCENARIOS: Record<string, Scenario> = {
  'ingest-twilio': ingestTwilio,
  'ingest-events': ingestEvents,
  'ingest-mix': ingestMix,
  aggregator,
  soak,
  decode,
  freshness,
  'query-api': queryApi,
  'alert-latency': alertLatency,
  exactness,
  audience,
};

const { values } = parseArgs({ options: { quick: { type: 'boolean' }, only: { type: 'string' } } });
const mode = values.quick ? 'quick' : 'full';
const only = values.only?.split(',');
const unknown = only?.filter((n) => !(n in SCENARIOS)) ?? [];
if (unknown.length > 0) {
  process.stderr.write(
    `[bench] unknown scenario(s): ${unknown.join(', ')}; known: ${Object.keys(SCENARIOS).join(', ')}\n`,
  );
  process.exit(2);
}
// The benchmark measures the compiled services (node dist/main.js), as they ship.
try {
  assertBuildCurrent();
} catch (err) {
  process.stderr.write(`[bench] ${(err as Error).message}\n`);
  process.exit(2);
}
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
    figures.push(...(await run(mode, notes)));
  } catch (err) {
    failed++;
    notes.push(`${name} failed: ${(err as Error).message}`);
    process.stderr.write(`[bench] ${name} failed: ${(err as Error).stack ?? String(err)}\n`);
  }
  process.stderr.write(`[bench] ${name} done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}
for (const [script, bytes] of peakRss) {
  const service = /services\/([^/]+)\//.exec(script)?.[1];
  if (service)
    figures.push({ scenario: 'memory', metric: `peak RSS, ${service}`, value: bytes / 2 ** 20, unit: 'MiB' });
}
console.log(table(figures));
const changesFile = `${ROOT}bench/CHANGES.md`;
const changes = existsSync(changesFile) ? `\n${readFileSync(changesFile, 'utf8')}` : '';
const out = writeReports(mode, figures, notes, changes);
console.log(`\nwrote ${out.json}${mode === 'full' ? ` and ${out.md}` : ''}`);
// A scenario that could not run is an error in either mode; a missed goal is reported, not fatal.
process.exit(failed > 0 ? 1 : 0);
