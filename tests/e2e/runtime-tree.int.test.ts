/**
 * What can be checked of the image without a Docker engine: its production tree
 * (scripts/runtime-tree.ts, the Dockerfile's build stage) holds compiled code and production
 * dependencies only, and the three services start from it — ready on real Kafka, Redis and
 * Postgres, the dashboard served — and stop cleanly on SIGTERM.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, isolate, type Isolation } from '@tally/testing';
import { assembleRuntimeTree, runtimePackages } from '../../scripts/runtime-tree.ts';

/** Every file under dir (relative), node_modules left out. */
function files(dir: string, rel = ''): string[] {
  return readdirSync(join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const path = rel ? `${rel}/${e.name}` : e.name;
    if (e.name === 'node_modules') return [];
    return e.isDirectory() ? files(dir, path) : [path];
  });
}

describe('the production tree of the image', () => {
  let out: string;
  let iso: Isolation;
  beforeAll(async () => {
    out = join(mkdtempSync(join(tmpdir(), 'tally-runtime-')), 'app');
    assembleRuntimeTree(out, { offline: true });
    iso = await isolate('runtime');
  }, 120_000);
  afterAll(async () => {
    await iso.cleanup();
    rmSync(join(out, '..'), { recursive: true, force: true });
  });

  it('holds compiled code and production dependencies only', () => {
    const dirs = runtimePackages().map((p) => p.dir);
    expect(dirs).toEqual(
      expect.arrayContaining(['services/ingest', 'services/aggregator', 'services/query-api']),
    );
    expect(dirs.some((d) => /testing|model|demo|dashboard/.test(d))).toBe(false);
    const ours = files(out);
    expect(ours.filter((f) => f.endsWith('.ts'))).toEqual([]);
    expect(ours).toContain('packages/db/dist/migrations/0001_init.sql');
    expect(ours).toContain('services/dashboard/dist/index.html');
    const installed = readdirSync(join(out, 'node_modules/.pnpm'));
    for (const dev of ['vitest@', 'typescript@', 'tsx@', 'testcontainers@', 'esbuild@', 'vite@', 'eslint@'])
      expect(
        installed.filter((p) => p.startsWith(dev)),
        dev,
      ).toEqual([]);
    expect(installed.some((p) => p.startsWith('fastify@'))).toBe(true);
  });

  it('declares every workspace package its compiled code imports as a production dependency', () => {
    // a @tally import kept in devDependencies builds and tests fine, then fails at start in the image
    const undeclared: string[] = [];
    for (const { dir } of runtimePackages()) {
      const pkg = JSON.parse(readFileSync(join(out, dir, 'package.json'), 'utf8')) as {
        name: string;
        dependencies?: Record<string, string>;
      };
      const declared = new Set([pkg.name, ...Object.keys(pkg.dependencies ?? {})]);
      for (const f of files(join(out, dir)).filter((x) => x.endsWith('.js')))
        for (const m of readFileSync(join(out, dir, f), 'utf8').matchAll(/from ['"](@tally\/[a-z-]+)/g))
          if (!declared.has(m[1] ?? '')) undeclared.push(`${dir}/${f} imports ${m[1]}`);
    }
    expect(undeclared).toEqual([]);
  });

  it('starts the three services, ready and serving, and stops them cleanly on SIGTERM', async () => {
    const base = 21_000 + Math.floor(Math.random() * 20_000);
    const services = ['aggregator', 'ingest', 'query-api'].map((name, i) => {
      const port = base + i;
      const child = spawn(process.execPath, [join(out, `services/${name}/dist/main.js`)], {
        cwd: '/',
        env: { ...process.env, ...iso.env, PORT: String(port), LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      const exited = new Promise<number | null>((r) => child.once('exit', r));
      return { name, port, child, exited };
    });
    try {
      for (const s of services)
        await eventually(
          () =>
            fetch(`http://127.0.0.1:${s.port}/readyz`).then(
              (r) => r.status,
              () => 0,
            ),
          (status) => status === 200,
          { timeoutMs: 60_000, intervalMs: 250 },
        );
      const query = services[2];
      const page = await fetch(`http://127.0.0.1:${query?.port}/`);
      expect([page.status, (await page.text()).includes('<div id="app"')]).toEqual([200, true]);
    } finally {
      for (const s of services) s.child.kill('SIGTERM');
    }
    expect(await Promise.all(services.map((s) => s.exited))).toEqual([0, 0, 0]);
    expect(existsSync(join(out, 'services/ingest/dist/main.js'))).toBe(true);
  }, 120_000);
});
