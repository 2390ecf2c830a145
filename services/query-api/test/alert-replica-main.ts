/**
 * The child process of alert-lease-process.int.test.ts: a query-api replica running its alerting
 * (lease, evaluator, sender) on the test's database, reading window counts from ALERT_FEED_FILE,
 * logging JSON lines to stdout.
 *
 * STALL_FENCED_WRITE_MS > 0 makes each fenced write (the only promise-style pool checkouts here)
 * log `test_fenced_write_checkout` and wait that long before it connects: the test SIGSTOPs the
 * process in that wait, so it stalls after its own lease check and before Postgres sees the
 * write — the one place where only the fencing token can stop a stale write.
 */
import { loadConfig } from '@tally/config';
import type { Pool } from '@tally/db';
import { createLogger, type Logger } from '@tally/logging';
import { closeDeps, createDeps, queryApiConfigSchema } from '../src/index.ts';
import { FileFeed } from './alert-process.ts';

function stallFencedWrites(pool: Pool, ms: number, logger: Logger): void {
  const connect = pool.connect.bind(pool);
  const stalling = (async () => {
    logger.info('test_fenced_write_checkout');
    await new Promise((r) => setTimeout(r, ms));
    return connect();
  }) as typeof pool.connect;
  // pool.query() checks out with a callback: only direct checkouts (transactions) are delayed.
  pool.connect = ((cb?: Parameters<typeof pool.connect>[0]) =>
    cb ? connect(cb) : stalling()) as typeof pool.connect;
}

const feedFile = process.env.ALERT_FEED_FILE;
if (!feedFile) throw new Error('ALERT_FEED_FILE is required');
const config = loadConfig(queryApiConfigSchema, process.env);
const logger = createLogger({ service: 'alert-replica', level: config.LOG_LEVEL });
const deps = createDeps(config, logger, { alertSource: new FileFeed(feedFile) });
const stallMs = Number(process.env.STALL_FENCED_WRITE_MS ?? '0');
if (stallMs > 0) stallFencedWrites(deps.pool, stallMs, logger);
deps.alerting.start();

process.once('SIGTERM', () => {
  void (async () => {
    await deps.alerting.stopEvaluator();
    await closeDeps(deps);
    process.exit(0);
  })();
});
