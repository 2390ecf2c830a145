/**
 * The load generator, run as a child process so it does not share a CPU with the server under
 * test: receives { url, connections, duration, token, baseUrl, path, bare } over IPC, fires
 * Twilio status callbacks with autocannon (each request a distinct MessageSid, signed), and sends
 * the result back. Bounded: it runs for `duration` seconds against 127.0.0.1 only, then exits.
 */
import autocannon from 'autocannon';
import { createHmac } from 'node:crypto';

interface Job {
  url: string;
  path: string;
  connections: number;
  duration: number;
  token: string;
  publicBaseUrl: string;
}

const STATUSES = ['sent', 'delivered'];

function callback(job: Job, i: number) {
  const params: [string, string][] = [
    ['AccountSid', 'AC00000000000000000000000000000001'],
    ['ApiVersion', '2010-04-01'],
    ['From', '+15005550006'],
    ['MessageSid', `SMbench${i.toString(16).padStart(26, '0')}`],
    ['MessageStatus', STATUSES[i % 2] ?? 'sent'],
    ['SmsStatus', STATUSES[i % 2] ?? 'sent'],
    ['To', `+1500555${String(i % 10_000).padStart(4, '0')}`],
  ];
  const data =
    job.publicBaseUrl +
    job.path +
    [...params]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => k + v)
      .join('');
  return {
    body: new URLSearchParams(params).toString(),
    signature: createHmac('sha1', job.token).update(data).digest('base64'),
  };
}

process.once('message', (job: Job) => {
  const pool = Array.from({ length: 5000 }, (_, i) => callback(job, i));
  let n = 0;
  autocannon({
    url: job.url,
    connections: job.connections,
    duration: job.duration,
    requests: [
      {
        method: 'POST',
        path: job.path,
        setupRequest: (req) => {
          const c = pool[n++ % pool.length] ?? pool[0];
          return {
            ...req,
            body: c?.body ?? '',
            headers: {
              'content-type': 'application/x-www-form-urlencoded',
              'x-twilio-signature': c?.signature ?? '',
            },
          };
        },
      },
    ],
  }).then(
    (r) => {
      process.send?.({ ok: true, result: r }, () => process.exit(0));
    },
    (err: unknown) => {
      process.send?.({ ok: false, error: String(err) }, () => process.exit(1));
    },
  );
});
