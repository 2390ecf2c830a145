/**
 * The production tree the image runs (Dockerfile, build stage): `node --import tsx
 * scripts/runtime-tree.ts <dir>` after `pnpm build` copies, for the services (ingest,
 * aggregator, query-api) and the admin CLI, each workspace package they depend on — its
 * package.json and compiled dist/ only, no sources, no tests — plus the dashboard's static build,
 * then installs their production dependencies from the lockfile (`pnpm install --prod
 * --frozen-lockfile --offline`: the store the build's own install filled; no dev dependency, no
 * lifecycle script). The layout is the repository's (services/<name>/dist/main.js), so paths a
 * module finds beside itself (migrations, the dashboard) hold. tests/e2e/runtime-tree.int.test.ts
 * builds one and starts a service from it — what can be checked of the image without a Docker engine.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildUnits, ROOT } from './build-stamp.ts';

/** What the image runs. */
export const ENTRY_PACKAGES = ['@tally/ingest', '@tally/aggregator', '@tally/query-api', '@tally/cli'];

/** The entry packages and every workspace package they depend on (dependencies, not dev). */
export function runtimePackages(root = ROOT): { name: string; dir: string }[] {
  const byName = new Map(buildUnits(root).map((u) => [u.name, u]));
  const seen = new Set<string>();
  const visit = (name: string) => {
    const unit = byName.get(name);
    if (!unit || seen.has(name)) return;
    seen.add(name);
    const pkg = JSON.parse(readFileSync(join(root, unit.dir, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    for (const dep of Object.keys(pkg.dependencies ?? {})) visit(dep);
  };
  for (const e of ENTRY_PACKAGES) visit(e);
  return [...seen].sort().map((name) => ({ name, dir: byName.get(name)?.dir ?? '' }));
}

export function assembleRuntimeTree(out: string, opts: { root?: string; offline?: boolean } = {}): void {
  const root = opts.root ?? ROOT;
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  // manifests as they are (the lockfile must match them); --prod leaves devDependencies out
  for (const f of ['package.json', 'pnpm-workspace.yaml', 'pnpm-lock.yaml', '.npmrc'])
    cpSync(join(root, f), join(out, f));
  for (const { dir } of runtimePackages(root)) {
    if (!existsSync(join(root, dir, 'dist'))) throw new Error(`${dir}/dist is missing: run pnpm build first`);
    mkdirSync(join(out, dir), { recursive: true });
    cpSync(join(root, dir, 'package.json'), join(out, dir, 'package.json'));
    cpSync(join(root, dir, 'dist'), join(out, dir, 'dist'), {
      recursive: true,
      filter: (src) => !/\.(tsbuildinfo|d\.ts|d\.ts\.map)$/.test(src),
    });
  }
  cpSync(join(root, 'services/dashboard/dist'), join(out, 'services/dashboard/dist'), { recursive: true });
  execFileSync(
    'pnpm',
    [
      'install',
      '--prod',
      '--frozen-lockfile',
      '--ignore-scripts',
      '--config.confirmModulesPurge=false',
      ...(opts.offline ? ['--offline'] : []),
    ],
    { cwd: out, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, CI: 'true' } },
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = process.argv[2];
  if (!out) {
    console.error('usage: node --import tsx scripts/runtime-tree.ts <dir>');
    process.exit(2);
  }
  assembleRuntimeTree(resolve(out), { offline: process.argv.includes('--offline') });
  console.log(`production tree in ${resolve(out)}`);
}
