/**
 * Ordered, idempotent shutdown (STYLE.md §10): each step gets a timeout, a failing step is logged
 * and the next one still runs, and a second signal does not start a second shutdown.
 */
import type { Logger } from '@tally/logging';

export interface ShutdownStep {
  name: string;
  run: () => Promise<void> | void;
  timeoutMs?: number;
}

export function createShutdown(logger: Logger, steps: ShutdownStep[], defaultTimeoutMs = 10_000) {
  let running: Promise<void> | undefined;
  const log = logger.child({ component: 'shutdown' });
  return function stop(reason = 'requested'): Promise<void> {
    running ??= (async () => {
      log.info({ reason }, 'shutdown_started');
      for (const step of steps) {
        const started = Date.now();
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([
            Promise.resolve().then(step.run),
            new Promise<never>((_, reject) => {
              timer = setTimeout(() => reject(new Error('timed out')), step.timeoutMs ?? defaultTimeoutMs);
            }),
          ]);
          log.info({ step: step.name, ms: Date.now() - started }, 'shutdown_step_done');
        } catch (err) {
          log.error({ step: step.name, err }, 'shutdown_step_failed');
        } finally {
          clearTimeout(timer);
        }
      }
      log.info('shutdown_complete');
    })();
    return running;
  };
}

/** SIGTERM/SIGINT run stop() once, then exit; used only by main.ts files. */
export function onSignals(logger: Logger, stop: (reason: string) => Promise<void>): void {
  let exiting = false;
  const handle = (signal: NodeJS.Signals) => {
    if (exiting) return;
    exiting = true;
    stop(signal).then(
      () => process.exit(0),
      (err: unknown) => {
        logger.fatal({ err }, 'shutdown_crashed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handle);
  process.on('SIGINT', handle);
}
