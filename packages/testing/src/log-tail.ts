/**
 * A pino destination that keeps the last lines a test's in-process services logged. Tests run the
 * services `silent` unless TEST_LOG_LEVEL says otherwise; a test that times out waiting on them
 * prints this tail, so a failure seen once in CI says what the services were doing.
 */
export interface LogTail {
  /** Hand to createLogger({ destination }). */
  destination: { write(line: string): void };
  /** The kept lines, oldest first, without their trailing newline. */
  lines(): string[];
}

export function createLogTail(max = 200): LogTail {
  const kept: string[] = [];
  return {
    destination: {
      write(line) {
        kept.push(line.endsWith('\n') ? line.slice(0, -1) : line);
        if (kept.length > max) kept.shift();
      },
    },
    lines: () => [...kept],
  };
}
