/**
 * A periodic task that never overlaps itself: the next run is scheduled only after the previous
 * one finished. wake() runs it now (or right after the run in progress); stop() waits for a run
 * in progress.
 */
import type { Logger } from '@tally/logging';

export interface Loop {
  wake(): void;
  stop(): Promise<void>;
}

export function startLoop(opts: {
  name: string;
  intervalMs: number;
  logger: Logger;
  run: () => Promise<void>;
}): Loop {
  let stopped = false;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> | undefined;
  const schedule = (ms: number) => {
    clearTimeout(timer);
    timer = setTimeout(() => void iterate(), ms);
  };
  const iterate = async (): Promise<void> => {
    timer = undefined;
    again = false;
    current = opts
      .run()
      .catch((err: unknown) => opts.logger.error({ err, loop: opts.name }, 'loop_run_failed'));
    await current;
    current = undefined;
    if (!stopped) schedule(again ? 0 : opts.intervalMs);
  };
  schedule(0);
  return {
    wake() {
      if (stopped) return;
      if (current) again = true;
      else schedule(0);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}
