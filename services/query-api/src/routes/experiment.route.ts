/**
 * GET /v1/campaigns/:id/experiment?metric=&level=&control=&effect= — the campaign's variants
 * against its control variant and its messaged recipients against its held-out ones: per metric
 * the difference, its always-valid interval, a verdict and the sample still needed (issue 21;
 * experiment-answer.ts). `level` defaults to the tenant's setting; outside (0.5, 0.999) it is a 400.
 * GET/PUT /v1/experiment-settings — the tenant's default level and global control group share.
 */
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { getExperimentSettings, putExperimentSettings, type ExperimentSettings } from '@tally/db';
import { idSchema } from '@tally/events';
import { tenantOf } from '@tally/http';
import { EXPERIMENT_METRICS } from '@tally/kpi';
import type { QueryApiDeps } from '../deps.ts';
import { experimentAnswer } from '../experiment-answer.ts';
import { experimentResponseSchema, experimentSettingsSchema } from '../experiment-schemas.ts';
import { errorSchema } from '../schemas.ts';
import { tenantAuth } from '../tenant-auth.ts';
import { textParam } from '../text-limits.ts';

const level = z.coerce
  .number()
  .gt(0.5, 'must be above 0.5')
  .lt(0.999, 'must be below 0.999')
  .describe('confidence level in (0.5, 0.999)');

function settingsView(s: ExperimentSettings): z.infer<typeof experimentSettingsSchema> {
  return { level: s.level, globalControl: { share: s.globalControl.share } };
}

export function experimentRoutes(app: FastifyInstance, deps: QueryApiDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const auth = tenantAuth(deps);
  const common = { 400: errorSchema, 401: errorSchema, 429: errorSchema, 503: errorSchema };

  r.get(
    '/v1/campaigns/:id/experiment',
    {
      onRequest: auth,
      schema: {
        summary: 'Variants against the control variant, messaged against held out: always-valid intervals',
        security: [{ apiKey: [] }],
        params: z.object({ id: idSchema }),
        querystring: z.object({
          metric: z.enum(EXPERIMENT_METRICS).optional().describe('one metric; all when absent'),
          level: level.optional().describe("confidence level in (0.5, 0.999); the tenant's when absent"),
          control: textParam(200).optional().describe('the control variant; the first by name when absent'),
          effect: z.coerce
            .number()
            .gt(0)
            .lte(10)
            .default(0.1)
            .describe('relative effect the sample still needed is for (0.1 = 10 % of the control)'),
        }),
        response: { 200: experimentResponseSchema, 404: errorSchema, ...common },
      },
    },
    async (request) => {
      const tenant = tenantOf(request);
      const q = request.query;
      const lvl = q.level ?? (await getExperimentSettings(deps.pool, tenant.id)).level;
      return experimentAnswer(deps, tenant.id, request.params.id, {
        metric: q.metric,
        level: lvl,
        effect: q.effect,
        control: q.control,
      });
    },
  );

  r.get(
    '/v1/experiment-settings',
    {
      onRequest: auth,
      schema: {
        summary: "The tenant's experiment settings: default level, global control group share",
        security: [{ apiKey: [] }],
        response: { 200: experimentSettingsSchema, 401: errorSchema },
      },
    },
    async (request) => settingsView(await getExperimentSettings(deps.pool, tenantOf(request).id)),
  );

  r.put(
    '/v1/experiment-settings',
    {
      onRequest: auth,
      schema: {
        summary: 'Set the default level and/or the global control group share (omitted: unchanged)',
        security: [{ apiKey: [] }],
        body: z.strictObject({
          level: level.optional(),
          globalControl: z
            .strictObject({
              share: z
                .number()
                .min(0)
                .max(0.5)
                .describe(
                  'share of recipients held out of every campaign, 0 to 0.5; raising it only adds members',
                ),
            })
            .optional(),
        }),
        response: { 200: experimentSettingsSchema, 400: errorSchema, 401: errorSchema },
      },
    },
    async (request) =>
      settingsView(
        await putExperimentSettings(deps.pool, tenantOf(request).id, {
          level: request.body.level,
          globalControlShare: request.body.globalControl?.share,
        }),
      ),
  );
}
