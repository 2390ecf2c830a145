/** Child process: runs autocannon with the options in argv[2] and prints one JSON result. */
import autocannon from 'autocannon';
import type { LoadOptions, LoadResult } from './load.ts';

const opts = JSON.parse(process.argv[2] ?? '{}') as LoadOptions;
const result = await autocannon({
  url: opts.url,
  method: opts.method ?? 'GET',
  headers: opts.headers ?? {},
  ...(opts.body === undefined ? {} : { body: opts.body }),
  connections: opts.connections,
  duration: opts.durationS,
  ...(opts.overallRate ? { overallRate: opts.overallRate } : {}),
});
const out: LoadResult = {
  requestsPerSec: result.requests.average,
  latencyP50Ms: result.latency.p50,
  latencyP99Ms: result.latency.p99,
  non2xx: result.non2xx,
  errors: result.errors + result.timeouts,
  total: result.requests.total,
};
process.stdout.write(JSON.stringify(out));
