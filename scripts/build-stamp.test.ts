import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildUnits, sourceStamp, staleUnits, writeStamp } from './build-stamp.ts';

/** A workspace of one compiled package (@x/lib) and one Vite app bundling it (@x/app). */
function workspace(root: string): void {
  const file = (path: string, text: string) => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  file('tsconfig.base.json', '{}');
  file('tsconfig.build-base.json', '{}');
  file('packages/lib/package.json', '{"name":"@x/lib"}');
  file('packages/lib/tsconfig.build.json', '{}');
  file('packages/lib/src/index.ts', 'export const a = 1;\n');
  file('packages/lib/src/index.test.ts', 'test\n');
  file('services/app/package.json', '{"name":"@x/app","dependencies":{"@x/lib":"workspace:*"}}');
  file('services/app/vite.config.ts', 'export default {};\n');
  file('services/app/src/main.ts', 'console.log(1);\n');
}

describe('build stamps', () => {
  let root: string;
  const stampAll = () => {
    for (const u of buildUnits(root)) {
      mkdirSync(join(root, u.dir, 'dist'), { recursive: true });
      writeStamp(u, sourceStamp(u, root), root);
    }
  };
  const edit = (path: string, text: string) => writeFileSync(join(root, path), text);

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'tally-stamp-'));
    workspace(root);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('names every unit not built yet', () => {
    expect(staleUnits(root)).toEqual([
      { unit: '@x/lib', reason: 'not built' },
      { unit: '@x/app', reason: 'not built' },
    ]);
  });

  it('finds nothing stale right after a build', () => {
    stampAll();
    expect(staleUnits(root)).toEqual([]);
  });

  it('finds a dist built from other sources: a changed, added or deleted source', () => {
    stampAll();
    edit('packages/lib/src/index.ts', 'export const a = 2;\n');
    expect(staleUnits(root)).toEqual([
      { unit: '@x/lib', reason: 'built from other sources' },
      // the app bundles the package's sources
      { unit: '@x/app', reason: 'built from other sources' },
    ]);
    stampAll();
    edit('services/app/src/extra.ts', '');
    expect(staleUnits(root)).toEqual([{ unit: '@x/app', reason: 'built from other sources' }]);
    stampAll();
    rmSync(join(root, 'services/app/src/extra.ts'));
    expect(staleUnits(root)).toEqual([{ unit: '@x/app', reason: 'built from other sources' }]);
  });

  it('finds a change of the shared compiler options, and ignores tests', () => {
    stampAll();
    edit('packages/lib/src/index.test.ts', 'another test\n');
    expect(staleUnits(root)).toEqual([]);
    edit('tsconfig.base.json', '{"compilerOptions":{}}');
    expect(staleUnits(root)).toEqual([{ unit: '@x/lib', reason: 'built from other sources' }]);
  });
});
