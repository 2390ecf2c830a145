/**
 * Load comes from a separate process: autocannon runs in a child (pinned to a CPU with taskset when
 * asked), so the load generator never shares an event loop with the server it measures.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface LoadOptions {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  connections: number;
  durationS: number;
  /** Fixed offered rate (requests/s in total); omitted = as fast as the server answers. */
  overallRate?: number;
  cpu?: string;
  /**
   * Twilio status callbacks instead of one fixed body: each request a distinct, validly signed
   * form body (MessageSid, status, recipient vary), cycled from a pool built before the run.
   */
  twilio?: { path: string; authToken: string; publicBaseUrl: string };
}

export interface LoadResult {
  requestsPerSec: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  non2xx: number;
  errors: number;
  total: number;
  durationS: number;
}

const WORKER = fileURLToPath(new URL('./load-worker.ts', import.meta.url));

export function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const args = ['--import', 'tsx', WORKER, JSON.stringify(opts)];
  const [cmd, argv] = opts.cpu
    ? ['taskset', ['-c', opts.cpu, process.execPath, ...args]]
    : [process.execPath, args];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`load worker exited with ${code}`));
      try {
        resolve(JSON.parse(out) as LoadResult);
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  });
}
