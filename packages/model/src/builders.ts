/**
 * Terse construction of events for hand-written tests: `b.ev('sent', at, { messageId: 'm1' })`.
 * Each builder numbers its events e001, e002, … (so ties break in the order they were built),
 * puts them on tenant `t1` unless told otherwise, and lets them arrive when they occurred unless
 * `arrivalMs` is given.
 */
import type { CanonicalEvent, EventType } from '@tally/events';
import type { ArrivedEvent } from './types.ts';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export type EventFields = Partial<Omit<CanonicalEvent, 'type' | 'occurredAt'>> & { arrivalMs?: number };

export interface EventBuilder {
  ev(type: EventType, at: number, fields?: EventFields): ArrivedEvent;
}

export function eventBuilder(prefix = 'e'): EventBuilder {
  let n = 0;
  return {
    ev(type, at, fields = {}) {
      n += 1;
      const { arrivalMs, ...rest } = fields;
      const base: CanonicalEvent = {
        eventId: `${prefix}${String(n).padStart(3, '0')}`,
        tenantId: 't1',
        type,
        occurredAt: new Date(at).toISOString(),
        channel: 'sms',
      };
      return { ...base, ...rest, arrivalMs: arrivalMs ?? at };
    },
  };
}
