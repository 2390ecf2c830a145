/**
 * `pnpm build`: compiles every workspace package and service to `dist/` (tsc project references,
 * tsconfig.build.json), copies the SQL migrations into @tally/db's dist, builds the dashboard with
 * Vite when its sources changed, and stamps each dist with the hash of what it was built from
 * (build-stamp.ts). `pnpm build --check` only says which dist/ is stale (exit 1 if any).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildUnits,
  MIGRATIONS,
  readStamp,
  ROOT,
  sourceStamp,
  staleUnits,
  writeStamp,
  type BuildUnit,
} from './build-stamp.ts';

function run(cmd: string, args: string[]): void {
  execFileSync(cmd, args, { cwd: ROOT, stdio: 'inherit' });
}

function isCurrent(unit: BuildUnit): boolean {
  return readStamp(unit)?.sources === sourceStamp(unit).sources;
}

function build(): void {
  const units = buildUnits();
  const tsc = units.filter((u) => u.kind === 'tsc');
  // A dist built from other sources is removed whole (its .tsbuildinfo with it), so tsc rebuilds
  // it rather than trusting timestamps, and no file of a deleted source lingers in it.
  for (const unit of tsc)
    if (!isCurrent(unit)) rmSync(join(ROOT, unit.dir, 'dist'), { recursive: true, force: true });
  run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-b', 'tsconfig.build.json']);
  const db = tsc.find((u) => u.dir === 'packages/db');
  if (db) {
    const target = join(ROOT, db.dir, 'dist/migrations');
    rmSync(target, { recursive: true, force: true });
    cpSync(join(ROOT, MIGRATIONS), target, { recursive: true });
  }
  for (const unit of units.filter((u) => u.kind === 'vite')) {
    if (isCurrent(unit)) continue;
    console.log(`[build] ${unit.name}: vite build`);
    run('pnpm', ['--silent', '--filter', unit.name, 'build']);
  }
  for (const unit of units) writeStamp(unit, sourceStamp(unit));
}

if (process.argv.includes('--check')) {
  const stale = staleUnits();
  for (const s of stale) console.error(`[build] ${s.unit}: ${s.reason}`);
  if (stale.length > 0) {
    console.error('[build] run `pnpm build`');
    process.exit(1);
  }
  console.log('[build] every dist/ is current');
} else {
  build();
}
