/**
 * A query-api alerting replica as a real child process (alert-replica-main.ts), so a test can
 * SIGSTOP it, and the window counts it reads: a JSON file both the test's in-process replicas and
 * the child read on every evaluation (a FeedSource across processes).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { WindowCounts } from '@tally/kpi';
import type { Isolation } from '@tally/testing';
import type { ActiveScope, AlertCountsSource, AlertScope } from '../src/index.ts';
import { ALERT_TEST_ENV, counts } from './alert-fixtures.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

interface FeedRow {
  active: ActiveScope;
  counts: WindowCounts;
}

/** Window counts in a file: set() rewrites it atomically, every read reads it. */
export class FileFeed implements AlertCountsSource {
  constructor(readonly path: string) {}
  private rows(): Record<string, FeedRow> {
    try {
      return JSON.parse(readFileSync(this.path, 'utf8')) as Record<string, FeedRow>;
    } catch {
      return {};
    }
  }
  private key(tenantId: string, scope: AlertScope): string {
    return JSON.stringify([
      tenantId,
      scope.kind,
      scope.kind === 'campaign' ? scope.campaignId : scope.sender,
    ]);
  }
  set(tenantId: string, scope: AlertScope, c: WindowCounts): void {
    const rows = { ...this.rows(), [this.key(tenantId, scope)]: { active: { tenantId, scope }, counts: c } };
    writeFileSync(`${this.path}.tmp`, JSON.stringify(rows));
    renameSync(`${this.path}.tmp`, this.path);
  }
  windowCounts(tenantId: string, scope: AlertScope): Promise<WindowCounts> {
    return Promise.resolve(this.rows()[this.key(tenantId, scope)]?.counts ?? counts({}));
  }
  listActiveScopes(tenantId: string | undefined): Promise<ActiveScope[]> {
    const all = Object.values(this.rows()).map((r) => r.active);
    return Promise.resolve(tenantId ? all.filter((a) => a.tenantId === tenantId) : all);
  }
  baselineOptOutRate(): Promise<number | null> {
    return Promise.resolve(null);
  }
}

export interface LogLine {
  msg?: string;
  [field: string]: unknown;
}

export interface ReplicaProcess {
  child: ChildProcess;
  lines: LogLine[];
  /** The first log line (from the start) that matches, waiting for it up to timeoutMs. */
  line(match: (l: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  signal(sig: 'SIGSTOP' | 'SIGCONT'): void;
  stop(): Promise<void>;
}

export function spawnReplica(iso: Isolation, env: Record<string, string>): ReplicaProcess {
  const child = spawn(
    process.execPath,
    // from source, like the integration tests that spawn it (the @tally/source export condition)
    ['--conditions=@tally/source', '--import', 'tsx', 'services/query-api/test/alert-replica-main.ts'],
    {
      cwd: ROOT,
      env: { ...process.env, ...iso.env, ...ALERT_TEST_ENV, LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const lines: LogLine[] = [];
  const waiters = new Set<() => void>();
  if (child.stdout) {
    createInterface({ input: child.stdout }).on('line', (text) => {
      try {
        lines.push(JSON.parse(text) as LogLine);
      } catch {
        lines.push({ msg: text });
      }
      for (const w of waiters) w();
    });
  }
  return {
    child,
    lines,
    line(match, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = lines.find(match);
          if (!found) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching log line from the replica within ${String(timeoutMs)} ms`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    signal(sig) {
      child.kill(sig);
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    },
  };
}
