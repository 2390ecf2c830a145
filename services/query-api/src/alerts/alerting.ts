/**
 * The alerting runtime of one query-api replica: the lease loop and the evaluator loop (only the
 * lease holder evaluates; it evaluates at once when it takes the lease), the outbox sender loop
 * (every replica sends; claims never overlap), and the live stream hub. Nothing connects until
 * start() or the first stream subscriber.
 * Stop order (main.ts): stopEvaluator() ends the lease → drainSender() → close().
 */
import type { Pool } from '@tally/db';
import type { Logger } from '@tally/logging';
import type { Registry } from 'prom-client';
import type { QueryApiConfig } from '../config.ts';
import { createEvaluator, type Evaluator } from './evaluator.ts';
import { createLeader, type Leader } from './leader.ts';
import { createAlertMetrics } from './metrics.ts';
import { startLoop, type Loop } from './loop.ts';
import { channelSealer } from './channel-secrets.ts';
import { createSender, type Sender } from './sender.ts';
import type { AlertCountsSource } from './source.ts';
import { createStreamHub, type StreamHub } from './stream-hub.ts';

export interface Alerting {
  start(): void;
  stopEvaluator(): Promise<void>;
  drainSender(): Promise<void>;
  close(): Promise<void>;
  readonly leader: Leader;
  readonly evaluator: Evaluator;
  readonly sender: Sender;
  readonly hub: StreamHub;
}

export function createAlerting(o: {
  config: QueryApiConfig;
  pool: Pool;
  logger: Logger;
  registry: Registry;
  source: AlertCountsSource;
  clock?: () => Date;
}): Alerting {
  const { config } = o;
  const clock = o.clock ?? (() => new Date());
  const logger = o.logger.child({ component: 'alerting' });
  const metrics = createAlertMetrics(o.registry);
  let evalLoop: Loop | undefined;
  const leader = createLeader({
    connectionString: config.DATABASE_URL,
    logger,
    ttlMs: config.ALERT_LEADER_LEASE_TTL_MS,
    renewMs: config.ALERT_LEADER_RENEW_MS,
    onChange: (isLeader) => {
      metrics.leader.set(isLeader ? 1 : 0);
      if (isLeader) evalLoop?.wake();
    },
  });
  const evaluator = createEvaluator({ pool: o.pool, source: o.source, leader, logger });
  const sender = createSender({
    pool: o.pool,
    sealer: channelSealer(config.CREDENTIALS_KEY),
    logger,
    intervalMs: config.ALERT_SENDER_INTERVAL_MS,
    timeoutMs: config.ALERT_DELIVERY_TIMEOUT_MS,
    maxAttempts: config.ALERT_DELIVERY_MAX_ATTEMPTS,
    retryBaseMs: config.ALERT_RETRY_BASE_MS,
    retryMaxMs: config.ALERT_RETRY_MAX_MS,
    concurrency: config.ALERT_SENDER_CONCURRENCY,
    allowPrivate: config.ALERTS_ALLOW_PRIVATE_URLS,
    localBackoffBaseMs: config.ALERT_LOCAL_REFUSAL_BACKOFF_MS,
    localBackoffMaxMs: config.ALERT_LOCAL_REFUSAL_BACKOFF_MAX_MS,
    maxLocalRefusals: config.ALERT_DELIVERY_MAX_LOCAL_REFUSALS,
    onOutcome: (channel, outcome) => metrics.deliveries.inc({ channel, outcome }),
  });
  const hub = createStreamHub({ connectionString: config.DATABASE_URL, logger });
  let evaluatorStopped: Promise<void> | undefined;
  let senderDrained: Promise<void> | undefined;

  const stopEvaluator = () =>
    (evaluatorStopped ??= (async () => {
      await evalLoop?.stop();
      await leader.release();
    })());
  const drainSender = () => (senderDrained ??= sender.drain());

  return {
    leader,
    evaluator,
    sender,
    hub,
    start() {
      if (evalLoop || evaluatorStopped) return;
      leader.start();
      evalLoop = startLoop({
        name: 'alert_evaluator',
        intervalMs: config.ALERT_EVAL_INTERVAL_MS,
        logger,
        run: async () => {
          const started = performance.now();
          const { leader: isLeader, transitions, abandoned } = await evaluator.tick(clock());
          if (isLeader) metrics.evaluation.observe((performance.now() - started) / 1000);
          if (abandoned) metrics.abandoned.inc({ reason: abandoned });
          for (const t of transitions) metrics.transitions.inc({ kind: t.kind, rule: t.alert.ruleType });
          // Deliver new transitions now rather than at the sender's next poll.
          if (transitions.length > 0) {
            sender.pump().catch((err: unknown) => logger.warn({ err }, 'alert_sender_wake_failed'));
          }
        },
      });
      sender.start();
      logger.info(
        {
          eval_interval_ms: config.ALERT_EVAL_INTERVAL_MS,
          lease_ttl_ms: config.ALERT_LEADER_LEASE_TTL_MS,
          lease_renew_ms: config.ALERT_LEADER_RENEW_MS,
          holder: leader.holderId,
        },
        'alerting_started',
      );
    },
    stopEvaluator,
    drainSender,
    async close() {
      await stopEvaluator();
      await drainSender();
      await hub.close();
    },
  };
}
