/**
 * Semantics §0 for imports (issue 22) by hand: an imported event is late only beyond the backfill
 * window B (90 days unless the tenant sets it), a re-sent import is all duplicates, and an imported
 * copy of an event counted late on the live path replaces it.
 */
import { describe, expect, it } from 'vitest';
import { DAY, eventBuilder, HOUR } from './builders.ts';
import { computeModel } from './model.ts';
import type { ArrivedEvent, ModelInput, TenantModel } from './types.ts';

const NOW = Date.parse('2025-06-01T10:00:00.000Z');

function tenant(events: ArrivedEvent[], extra: Omit<ModelInput, 'events'> = {}): TenantModel {
  const t = computeModel({ events, ...extra }).tenants.t1;
  if (t === undefined) throw new Error('no tenant t1');
  return t;
}

/** A message sent and delivered `age` before NOW, arriving at NOW. */
function message(age: number, id: string, importId?: string): ArrivedEvent[] {
  const b = eventBuilder();
  const f = { messageId: id, recipientId: `r${id}`, arrivalMs: NOW, ...(importId ? { importId } : {}) };
  return [
    b.ev('sent', NOW - age, { ...f, eventId: `${id}-s`, campaignId: 'c1' }),
    b.ev('delivered', NOW - age + HOUR, { ...f, eventId: `${id}-d` }),
  ];
}

describe('imports (semantics §0, issue 22)', () => {
  it('counts imported history up to B, late beyond it; live history beyond H is late', () => {
    const t = tenant([
      ...message(60 * DAY, 'm1', 'imp'),
      ...message(91 * DAY, 'm2', 'imp'),
      ...message(10 * DAY, 'm3'),
    ]);
    expect(t.campaigns.c1?.counts).toMatchObject({ sent: 1, delivered: 1 });
    expect(t.late).toEqual({ sent: 2, delivered: 2 });
  });

  it('takes the tenant backfill window, never below its horizon', () => {
    const events = message(30 * DAY, 'm1', 'imp');
    expect(tenant(events, { windows: { t1: { backfillMs: 20 * DAY } } }).late).toEqual({
      sent: 1,
      delivered: 1,
    });
    expect(tenant(events, { windows: { t1: { backfillMs: 40 * DAY } } }).late).toEqual({});
  });

  it('counts an import sent twice once', () => {
    const first = message(60 * DAY, 'm1', 'imp');
    const again = message(60 * DAY, 'm1', 'imp2').map((e) => ({ ...e, arrivalMs: NOW + HOUR }));
    const t = tenant([...first, ...again]);
    expect(t.campaigns.c1?.counts).toMatchObject({ sent: 1, delivered: 1 });
    expect(t.late).toEqual({});
  });

  it('an imported copy replaces a live copy counted late, not one counted in time', () => {
    const live = message(20 * DAY, 'm1');
    const imported = message(20 * DAY, 'm1', 'imp').map((e) => ({ ...e, arrivalMs: NOW + HOUR }));
    const t = tenant([...live, ...imported]);
    expect(t.campaigns.c1?.counts).toMatchObject({ sent: 1, delivered: 1 });
    expect(t.late).toEqual({});
    const inTime = message(2 * DAY, 'm2');
    const again = message(2 * DAY, 'm2', 'imp').map((e) => ({
      ...e,
      campaignId: e.campaignId && 'c2',
      arrivalMs: NOW + HOUR,
    }));
    expect(Object.keys(tenant([...inTime, ...again]).campaigns)).toEqual(['c1']);
  });
});
