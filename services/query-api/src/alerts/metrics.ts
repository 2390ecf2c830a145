/** Prometheus metrics of the alerting runtime, on the service's registry (GET /metrics). */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface AlertMetrics {
  transitions: Counter<'kind' | 'rule'>;
  deliveries: Counter<'channel' | 'outcome'>;
  leader: Gauge;
  abandoned: Counter<'reason'>;
  evaluation: Histogram;
}

export function createAlertMetrics(registry: Registry): AlertMetrics {
  return {
    transitions: new Counter({
      name: 'tally_alert_transitions_total',
      help: 'Alert transitions recorded by this replica (fire, resolve, renotify)',
      labelNames: ['kind', 'rule'],
      registers: [registry],
    }),
    deliveries: new Counter({
      name: 'tally_notification_deliveries_total',
      help: 'Notification delivery outcomes by channel kind: delivered, retry, failed (attempts), local_refusal (given back, no attempt)',
      labelNames: ['channel', 'outcome'],
      registers: [registry],
    }),
    leader: new Gauge({
      name: 'tally_alert_evaluator_leader',
      help: '1 while this replica holds the evaluator lease',
      registers: [registry],
    }),
    abandoned: new Counter({
      name: 'tally_alert_evaluations_abandoned_total',
      help: 'Evaluation passes stopped midway: the lease ran out (lease_lost) or a write was refused (fenced)',
      labelNames: ['reason'],
      registers: [registry],
    }),
    evaluation: new Histogram({
      name: 'tally_alert_evaluation_seconds',
      help: 'Duration of one evaluation pass on the lease holder',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
  };
}
