/**
 * Build stamps: what a `dist/` was compiled from. Each unit of the build (a workspace package
 * compiled by `tsc -b`, and the dashboard built by Vite) has a `dist/build-stamp.json` holding one
 * SHA-256 over its inputs (relative path and content of every file). `pnpm build` writes the stamps
 * after a successful build; `staleUnits()` recomputes the hashes from the checkout and names every
 * unit whose dist is missing or was built from other sources, so the end-to-end tests and the
 * benchmark never run yesterday's JavaScript against today's sources.
 *
 * The inputs are what the emitted files are a function of: the unit's sources (tests excluded),
 * its package.json and build tsconfig, the shared compiler options, and whatever else the build
 * copies in (the migrations, for @tally/db). Dependency versions are not hashed: a changed
 * lockfile is a reinstall, after which `pnpm build` runs anyway.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const STAMP_FILE = 'build-stamp.json';

export interface BuildUnit {
  /** The package name. */
  name: string;
  /** Its directory, relative to the root; its output is `<dir>/dist`. */
  dir: string;
  /** Files and directories (relative to the root) whose contents the output is a function of. */
  inputs: string[];
  kind: 'tsc' | 'vite';
}

export interface Stamp {
  unit: string;
  sources: string;
  files: number;
}

const SHARED_TSC_INPUTS = ['tsconfig.base.json', 'tsconfig.build-base.json'];
/** The SQL migrations, which the build copies into @tally/db's dist (they ship with it). */
export const MIGRATIONS = 'infra/migrations';

const isTest = (path: string) => /\.test\.ts$/.test(path);

/** Every unit of the build, read from the workspace (packages/*, services/*). */
export function buildUnits(root = ROOT): BuildUnit[] {
  const packages = new Map<string, { dir: string; dependencies: string[] }>();
  for (const group of ['packages', 'services']) {
    for (const name of readdirSync(join(root, group)).sort()) {
      const dir = `${group}/${name}`;
      const pkgPath = join(root, dir, 'package.json');
      if (!existsSync(pkgPath)) continue;
      const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as {
        name: string;
        dependencies?: Record<string, string>;
      };
      packages.set(pkg.name, { dir, dependencies: Object.keys(pkg.dependencies ?? {}) });
    }
  }
  const units: BuildUnit[] = [];
  for (const [name, { dir, dependencies }] of packages) {
    if (existsSync(join(root, dir, 'tsconfig.build.json'))) {
      const inputs = [
        `${dir}/src`,
        `${dir}/package.json`,
        `${dir}/tsconfig.build.json`,
        ...SHARED_TSC_INPUTS,
      ];
      if (dir === 'packages/db') inputs.push(MIGRATIONS);
      units.push({ name, dir, inputs, kind: 'tsc' });
    } else if (existsSync(join(root, dir, 'vite.config.ts'))) {
      // a Vite app bundles the sources of the workspace packages it depends on
      const own = ['src', 'public', 'index.html', 'vite.config.ts', 'package.json'].map((f) => `${dir}/${f}`);
      const bundled = dependencies.flatMap((d) => {
        const dep = packages.get(d);
        return dep ? [`${dep.dir}/src`] : [];
      });
      units.push({ name, dir, inputs: [...own, ...bundled], kind: 'vite' });
    }
  }
  return units;
}

function walk(root: string, rel: string, out: string[]): void {
  const abs = join(root, rel);
  if (!existsSync(abs)) return;
  if (statSync(abs).isFile()) {
    if (!isTest(rel)) out.push(rel);
    return;
  }
  for (const entry of readdirSync(abs).sort()) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    walk(root, `${rel}/${entry}`, out);
  }
}

/** The hash of a unit's inputs as they are in the checkout now. */
export function sourceStamp(unit: BuildUnit, root = ROOT): Stamp {
  const files: string[] = [];
  for (const input of unit.inputs) walk(root, input, files);
  files.sort();
  const hash = createHash('sha256');
  for (const f of files) {
    hash.update(relative(root, join(root, f)));
    hash.update('\0');
    hash.update(
      createHash('sha256')
        .update(readFileSync(join(root, f)))
        .digest('hex'),
    );
    hash.update('\n');
  }
  return { unit: unit.name, sources: hash.digest('hex'), files: files.length };
}

export function stampPath(unit: BuildUnit, root = ROOT): string {
  return join(root, unit.dir, 'dist', STAMP_FILE);
}

export function readStamp(unit: BuildUnit, root = ROOT): Stamp | undefined {
  try {
    return JSON.parse(readFileSync(stampPath(unit, root), 'utf8')) as Stamp;
  } catch {
    return undefined;
  }
}

export function writeStamp(unit: BuildUnit, stamp: Stamp, root = ROOT): void {
  writeFileSync(stampPath(unit, root), `${JSON.stringify(stamp, null, 2)}\n`);
}

export interface StaleUnit {
  unit: string;
  reason: 'not built' | 'built from other sources';
}

/** The units whose dist/ is missing or was built from other sources than the checkout's. */
export function staleUnits(root = ROOT, units = buildUnits(root)): StaleUnit[] {
  const stale: StaleUnit[] = [];
  for (const unit of units) {
    const built = readStamp(unit, root);
    if (!built) stale.push({ unit: unit.name, reason: 'not built' });
    else if (built.sources !== sourceStamp(unit, root).sources)
      stale.push({ unit: unit.name, reason: 'built from other sources' });
  }
  return stale;
}

/** Throws, naming the stale units and the command that fixes them, unless every dist/ is current. */
export function assertBuildCurrent(root = ROOT): void {
  const stale = staleUnits(root);
  if (stale.length === 0) return;
  const list = stale.map((s) => `${s.unit} (${s.reason})`).join(', ');
  throw new Error(
    `dist/ is stale: ${list}. Run \`pnpm build\` (tests and benchmarks run the compiled code).`,
  );
}
