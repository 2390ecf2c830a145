/**
 * Live transitions for GET /v1/alerts/stream. Each replica LISTENs on one dedicated connection
 * (opened with the first subscriber); the evaluator replica's transition transactions NOTIFY on
 * commit, so every replica's streams see every transition. Subscribers get only their tenant's.
 */
import pg from 'pg';
import type { Logger } from '@tally/logging';
import type { TransitionView } from './alerts-store.ts';
import { TRANSITIONS_CHANNEL } from './transitions.ts';

type Listener = (t: TransitionView) => void;

export interface StreamHub {
  subscribe(tenantId: string, listener: Listener): Promise<() => void>;
  close(): Promise<void>;
}

export function createStreamHub(opts: { connectionString: string; logger: Logger }): StreamHub {
  const log = opts.logger.child({ component: 'alert_stream' });
  const listeners = new Map<Listener, string>();
  let client: Promise<pg.Client> | undefined;
  let closed = false;

  const onNotification = (msg: pg.Notification) => {
    if (msg.channel !== TRANSITIONS_CHANNEL || !msg.payload) return;
    try {
      const { tenantId, transition } = JSON.parse(msg.payload) as {
        tenantId: string;
        transition: TransitionView;
      };
      for (const [listener, tenant] of listeners) if (tenant === tenantId) listener(transition);
    } catch (err) {
      log.warn({ err }, 'alert_stream_bad_payload');
    }
  };

  const connect = () => {
    client ??= (async () => {
      const c = new pg.Client({
        connectionString: opts.connectionString,
        application_name: 'tally-alert-stream',
      });
      const reset = (reason: string) => {
        log.warn({ reason }, 'alert_stream_connection_lost');
        client = undefined;
        c.end().catch(() => undefined);
        // Reconnect while anyone listens; transitions in between are in GET /v1/alerts.
        if (!closed && listeners.size > 0) setTimeout(() => void connect().catch(() => undefined), 1000);
      };
      c.on('error', (err) => reset(err.message));
      c.on('notification', onNotification);
      try {
        await c.connect();
        await c.query(`LISTEN ${TRANSITIONS_CHANNEL}`);
      } catch (err) {
        client = undefined;
        await c.end().catch(() => undefined);
        throw err;
      }
      return c;
    })();
    return client;
  };

  return {
    async subscribe(tenantId, listener) {
      if (closed) throw new Error('alert stream hub is closed');
      await connect();
      listeners.set(listener, tenantId);
      return () => void listeners.delete(listener);
    },
    async close() {
      closed = true;
      listeners.clear();
      const c = await client?.catch(() => undefined);
      client = undefined;
      await c?.end().catch(() => undefined);
    },
  };
}
