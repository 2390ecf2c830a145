/**
 * Tests that do not age. An integration test's event times must be relative to the run: a fixed
 * date posted through ingest turns "late" once the calendar passes it by the late-data horizon
 * (docs/semantics.md §0), and the test then fails on a later day for no fault of the code.
 *
 * `guardEventTimes` wraps what ingest publishes with so that any event whose `occurredAt` lies more
 * than a day before the run started fails the publish with a message that says so — on the day it
 * is written, not on the day it turns late. A test whose history reaches further back (an audience
 * over 30 days, always relative to the run) declares how far with `maxAgeMs`; a test that must post
 * a fixed date (a signed wire sample whose bytes cannot change) says why with `allowFixedDates`.
 */

export const MAX_EVENT_AGE_BEFORE_RUN_MS = 86_400_000;

/** The run's start: the global setup passes it to every worker; a worker alone uses its own. */
export function runStartMs(): number {
  const fromSetup = Number(process.env.TALLY_TEST_RUN_START_MS);
  return Number.isFinite(fromSetup) && fromSetup > 0 ? fromSetup : WORKER_START_MS;
}
const WORKER_START_MS = Date.now();

/** A minute-aligned instant `minutes` before the run started: where a test's event stream starts. */
export function beforeRun(minutes: number): number {
  return Math.floor(runStartMs() / 60_000) * 60_000 - minutes * 60_000;
}

export interface TimedEvent {
  eventId?: string;
  type?: string;
  occurredAt: string;
}

/** The events among `events` that a test must not post: older than `maxAgeMs` before the run. */
export function agedEvents<E extends TimedEvent>(
  events: readonly E[],
  runStart = runStartMs(),
  maxAgeMs = MAX_EVENT_AGE_BEFORE_RUN_MS,
): E[] {
  const floor = runStart - maxAgeMs;
  return events.filter((e) => Date.parse(e.occurredAt) < floor);
}

export function agedEventsMessage(
  aged: readonly TimedEvent[],
  runStart = runStartMs(),
  maxAgeMs = MAX_EVENT_AGE_BEFORE_RUN_MS,
): string {
  const first = aged[0];
  const which = first ? `${first.type ?? 'event'} ${first.eventId ?? ''} at ${first.occurredAt}` : '';
  const days = Math.round((maxAgeMs / MAX_EVENT_AGE_BEFORE_RUN_MS) * 10) / 10;
  return (
    `a test posted ${aged.length} event(s) dated more than ${days} day(s) before the run started ` +
    `(${new Date(runStart).toISOString()}), e.g. ${which}: a fixed date turns a test red with the ` +
    `calendar (late-data horizon). Make the time relative to the run (beforeRun, Date.now()); ` +
    `declare older relative history with maxAgeMs, or pass allowFixedDates with the reason.`
  );
}

export interface EventPublisher<E extends TimedEvent> {
  publish(events: E[]): Promise<void>;
}

/**
 * Wraps a publisher so that an aged event fails the publish (ingest answers 503 with the message)
 * and the message is written to stderr, where the test's output shows it.
 */
export interface EventTimeRules {
  /** How far before the run a test's (relative) history may reach; a day when absent. */
  maxAgeMs?: number;
  /** Why this test may post fixed dates (signed wire samples, fuzzed input read back only). */
  allowFixedDates?: string;
}

export function guardEventTimes<E extends TimedEvent>(
  publisher: EventPublisher<E>,
  rules: EventTimeRules = {},
): EventPublisher<E> {
  if (rules.allowFixedDates) return publisher;
  const maxAgeMs = rules.maxAgeMs ?? MAX_EVENT_AGE_BEFORE_RUN_MS;
  return {
    async publish(events) {
      const runStart = runStartMs();
      const aged = agedEvents(events, runStart, maxAgeMs);
      if (aged.length > 0) {
        const message = agedEventsMessage(aged, runStart, maxAgeMs);
        process.stderr.write(`[event-times] ${message}\n`);
        throw new Error(message);
      }
      await publisher.publish(events);
    },
  };
}
