/**
 * One owner for the API's shapes: the dashboard's types are generated from query-api's route
 * schemas (scripts/api-types.ts). The generated file must be what those schemas give today —
 * after a change of an answer, `pnpm --filter @tally/dashboard gen:api` — and every name
 * types.ts gives must resolve to a real answer (a path renamed away would leave `never`, which
 * type-checks anywhere).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { isolate } from '@tally/testing';
import { apiTypesSource, GENERATED, openApiDocument } from '../scripts/api-types.ts';
import type * as Api from '../src/api/types.ts';

describe('the dashboard’s API types', () => {
  it('are generated from the schemas query-api serves today', async () => {
    const iso = await isolate('apitypes');
    try {
      const doc = await openApiDocument(iso.env);
      expect(readFileSync(GENERATED, 'utf8'), 'run `pnpm --filter @tally/dashboard gen:api`').toBe(
        await apiTypesSource(doc),
      );
    } finally {
      await iso.cleanup();
    }
  });

  it('name real answers', () => {
    expectTypeOf<Api.CampaignList>().not.toBeNever();
    expectTypeOf<Api.KpiAnswer>().not.toBeNever();
    expectTypeOf<Api.Breakdown>().not.toBeNever();
    expectTypeOf<Api.Timeseries>().not.toBeNever();
    expectTypeOf<Api.BenchmarkAnswer>().not.toBeNever();
    expectTypeOf<Api.SilentDisengagement>().not.toBeNever();
    expectTypeOf<Api.FrequencyAnswer>().not.toBeNever();
    expectTypeOf<Api.SendTimeAnswer>().not.toBeNever();
    expectTypeOf<Api.ValueAnswer>().not.toBeNever();
    expectTypeOf<Api.Alert>().not.toBeNever();
    expectTypeOf<Api.RulesAnswer>().not.toBeNever();
    expectTypeOf<Api.NotificationChannel>().not.toBeNever();
    expectTypeOf<Api.Silence>().not.toBeNever();
    expectTypeOf<keyof Api.Rates>().toEqualTypeOf<Api.RateName>();
    expectTypeOf<keyof Api.Counts>().toEqualTypeOf<Api.CountName>();
  });
});
