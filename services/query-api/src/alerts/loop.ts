/**
 * A periodic task that never overlaps itself: the next run is scheduled only after the previous
 * one finished. stop() waits for a run in progress.
 */
import type { Logger } from '@tally/logging';

export interface Loop {
  stop(): Promise<void>;
}

export function startLoop(opts: {
  name: string;
  intervalMs: number;
  logger: Logger;
  run: () => Promise<void>;
}): Loop {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> | undefined;
  const iterate = async (): Promise<void> => {
    timer = undefined;
    current = opts
      .run()
      .catch((err: unknown) => opts.logger.error({ err, loop: opts.name }, 'loop_run_failed'));
    await current;
    current = undefined;
    if (!stopped) timer = setTimeout(() => void iterate(), opts.intervalMs);
  };
  timer = setTimeout(() => void iterate(), 0);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}
