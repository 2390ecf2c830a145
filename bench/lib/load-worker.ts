/** Child process: runs autocannon with the options in argv[2] and prints one JSON result. */
import autocannon from 'autocannon';
import { twilioSignature } from '@tally/ingest';
import type { LoadOptions, LoadResult } from './load.ts';

const opts = JSON.parse(process.argv[2] ?? '{}') as LoadOptions;

/** A pool of signed Twilio status callbacks, cycled by setupRequest. */
function twilioRequests(t: NonNullable<LoadOptions['twilio']>): autocannon.Request[] {
  const statuses = ['sent', 'delivered'];
  const pool = Array.from({ length: 5000 }, (_, i) => {
    const status = statuses[i % 2] ?? 'sent';
    const params: [string, string][] = [
      ['AccountSid', 'AC00000000000000000000000000000001'],
      ['ApiVersion', '2010-04-01'],
      ['From', '+15005550006'],
      ['MessageSid', `SMbench${i.toString(16).padStart(26, '0')}`],
      ['MessageStatus', status],
      ['SmsStatus', status],
      ['To', `+1500555${String(i % 10_000).padStart(4, '0')}`],
    ];
    return {
      body: new URLSearchParams(params).toString(),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilioSignature(t.authToken, t.publicBaseUrl + t.path, params),
      },
    };
  });
  let n = 0;
  return [
    {
      method: 'POST',
      path: t.path,
      setupRequest: (req) => ({ ...req, ...pool[n++ % pool.length] }),
    },
  ];
}

const result = await autocannon({
  url: opts.url,
  method: opts.method ?? 'GET',
  headers: opts.headers ?? {},
  ...(opts.body === undefined ? {} : { body: opts.body }),
  ...(opts.twilio ? { requests: twilioRequests(opts.twilio) } : {}),
  connections: opts.connections,
  duration: opts.durationS,
  ...(opts.overallRate ? { overallRate: opts.overallRate } : {}),
});
const out: LoadResult = {
  requestsPerSec: result.requests.total / result.duration,
  latencyP50Ms: result.latency.p50,
  latencyP99Ms: result.latency.p99,
  non2xx: result.non2xx,
  errors: result.errors + result.timeouts,
  total: result.requests.total,
  durationS: result.duration,
};
process.stdout.write(JSON.stringify(out));
