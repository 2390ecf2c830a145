/**
 * validators.gen.ts is generated from the schemas (scripts/gen-validators.ts) and must be what
 * they give today: after a change of a schema, `pnpm --filter @tally/events gen:validators`.
 * That the generated functions agree with zod is services/aggregator/src/decode-equivalence.test.ts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATED, validatorsSource } from '../scripts/gen-validators.ts';

describe('validators.gen.ts', () => {
  it('is generated from the schemas as they are today', async () => {
    expect(readFileSync(GENERATED, 'utf8'), 'run `pnpm --filter @tally/events gen:validators`').toBe(
      await validatorsSource(),
    );
  });
});
