/**
 * A process that cannot do its job exits non-zero so its supervisor restarts it: an unhandled
 * rejection or exception is logged as fatal, the ordered shutdown runs (bounded), and the process
 * exits with 1. `fatal(err)` does the same for faults a component reports itself (a consumer that
 * crashed for good).
 */
import type { Logger } from '@tally/logging';

export function onProcessFaults(
  logger: Logger,
  stop: (reason: string) => Promise<void>,
  shutdownTimeoutMs: number,
): (err: unknown) => void {
  let failing = false;
  const fatal = (err: unknown, reason = 'fatal_fault') => {
    if (failing) return;
    failing = true;
    logger.fatal({ err }, reason);
    const timer = setTimeout(() => process.exit(1), shutdownTimeoutMs);
    timer.unref();
    void stop(reason).finally(() => process.exit(1));
  };
  process.on('unhandledRejection', (err) => fatal(err, 'unhandled_rejection'));
  process.on('uncaughtException', (err) => fatal(err, 'uncaught_exception'));
  return fatal;
}
