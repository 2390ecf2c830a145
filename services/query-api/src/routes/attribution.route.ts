/**
 * GET /v1/attribution — what counts nowhere (yet) for the tenant, by event type (docs/semantics.md
 * §7): `pending` events may still be attributed (a reach, click or delivery may arrive within the
 * late-data horizon; a message's campaign may still be named), `unattributed` ones have no
 * candidate left, `late` ones arrived beyond the horizon and count nowhere. With the tenant's
 * windows and horizon, so a reader knows how long "pending" can last.
 */
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { DEFAULT_TENANT_WINDOWS, readAttributionStatus } from '@tally/counters';
import { tenantOf } from '@tally/http';
import type { QueryApiDeps } from '../deps.ts';
import { whole } from '../read-guard.ts';
import { errorSchema } from '../schemas.ts';
import { tenantAuth } from '../tenant-auth.ts';

const byType = z.record(z.string(), z.number().int());

async function tenantWindows(deps: QueryApiDeps, tenant: string) {
  const { rows } = await deps.pool.query<{ r: number; c: number; d: number; h: number }>(
    `SELECT reply_window_s AS r, click_window_s AS c, delivered_window_s AS d, horizon_s AS h
       FROM tenant_attribution WHERE tenant_id = $1`,
    [tenant],
  );
  const r = rows[0];
  return r
    ? { replyMs: r.r * 1000, clickMs: r.c * 1000, deliveredMs: r.d * 1000, horizonMs: r.h * 1000 }
    : DEFAULT_TENANT_WINDOWS;
}

export function attributionRoutes(app: FastifyInstance, deps: QueryApiDeps): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/attribution',
    {
      onRequest: tenantAuth(deps),
      schema: {
        summary: 'Events that count nowhere: pending, unattributed, late (by event type)',
        security: [{ apiKey: [] }],
        response: {
          200: z.object({
            pending: byType.describe(
              'may still be attributed; `message`: messages whose campaign is unknown',
            ),
            unattributed: byType.describe(
              'no candidate left: their horizon has passed, or nothing names a campaign',
            ),
            late: byType.describe('arrived beyond the late-data horizon; counted here only'),
            windows: z.object({
              replyMs: z.number().int(),
              clickMs: z.number().int(),
              deliveredMs: z.number().int(),
              horizonMs: z.number().int(),
            }),
            asOf: z.string(),
          }),
          ...Object.fromEntries([401, 429, 503].map((s) => [s, errorSchema])),
        },
      },
    },
    async (request) => {
      const tenant = tenantOf(request);
      const windows = await tenantWindows(deps, tenant.id);
      const now = Date.now();
      const status = await whole(() =>
        readAttributionStatus(deps.redis, deps.keys, tenant.id, windows.horizonMs, now),
      );
      return { ...status, windows, asOf: new Date(now).toISOString() };
    },
  );
}
