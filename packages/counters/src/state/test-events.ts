/** Builders of state events for the unit tests of this directory. */
import type { EventType } from '@tally/events';
import { digest, type Ev } from './event.ts';

export const T0 = Date.parse('2026-11-30T10:00:00.000Z');
export const H = 3_600_000;

export function ev(id: string, type: EventType, atMs: number, over: Partial<Ev> = {}): Ev {
  return {
    id,
    idh: digest(id),
    tenant: 't',
    type,
    t: T0 + atMs,
    arrival: T0 + atMs,
    channel: 'sms',
    ...over,
  };
}
