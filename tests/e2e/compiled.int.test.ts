/**
 * The end-to-end suites test what ships: the services they import are the compiled dist/ of the
 * checkout, loaded by Node itself (not TypeScript sources transformed on the fly), and the global
 * setup refuses a dist built from other sources (tests/e2e/global-setup.ts).
 */
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as aggregatorSvc from '@tally/aggregator';
import * as ingestSvc from '@tally/ingest';
import * as querySvc from '@tally/query-api';
import { ROOT, staleUnits } from '../../scripts/build-stamp.ts';

describe('the services under test', () => {
  it('are the compiled dist/ modules, as Node loads them in production', async () => {
    const services = { ingest: ingestSvc, 'query-api': querySvc, aggregator: aggregatorSvc };
    for (const [name, imported] of Object.entries(services)) {
      const shipped = (await import(pathToFileURL(`${ROOT}services/${name}/dist/index.js`).href)) as {
        createDeps: unknown;
      };
      expect(imported.createDeps, name).toBe(shipped.createDeps);
      // untransformed: Vite rewrites the imports of the modules it loads itself
      expect(String(imported.createDeps), name).not.toContain('__vite_ssr');
    }
  });

  it('were built from the checkout’s sources', () => {
    expect(staleUnits()).toEqual([]);
  });
});
