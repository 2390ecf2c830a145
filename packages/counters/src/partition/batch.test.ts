/**
 * An import's progress counts each published record once (GET /v1/imports/:id, docs/api.md): an
 * imported event held without a recipient is counted `applied` where it is held, and when its
 * message is handed over the event is forwarded and counted again where it lands — so the
 * handover takes the holder's count back.
 */
import { describe, expect, it } from 'vitest';
import type { CanonicalEvent, Handover } from '@tally/events';
import { importProgressSuffix, type PartitionKeys } from '../keys.ts';
import type { RedisClient } from '@tally/redis';
import { scopeId } from '../state/contribution.ts';
import { DEFAULT_TENANT_WINDOWS } from '../state/event.ts';
import { BatchRun } from './batch.ts';
import { PartitionCache } from './cache.ts';

const T0 = Date.UTC(2026, 0, 10, 12);
const HERE = 2;
const THERE = 4;

/** Nothing is loaded in these runs: the cache is filled by the folds themselves. */
const cache = () => new PartitionCache(undefined as unknown as RedisClient, {} as PartitionKeys, 1_000);
const ctx = { now: T0, minuteTtlSeconds: 0, windows: () => ({ ...DEFAULT_TENANT_WINDOWS, importing: true }) };
const place = { partition: HERE, messageHome: () => HERE };

const progress = (run: BatchRun, importId: string) =>
  Object.fromEntries(
    run.result.delta.scopes
      .get(scopeId({ kind: 't', tenant: 't1' }))
      ?.ints.get(importProgressSuffix(importId)) ?? [],
  );

function delivered(eventId: string, importId?: string): CanonicalEvent {
  return {
    eventId,
    tenantId: 't1',
    type: 'delivered',
    occurredAt: new Date(T0 - 20 * 86_400_000).toISOString(),
    channel: 'sms',
    messageId: 'm1',
    ...(importId === undefined ? {} : { importId }),
  };
}

describe('import progress across a handover', () => {
  it('counts a held imported event once: applied where held, taken back when forwarded', () => {
    const c = cache();
    const first = new BatchRun(c, ctx, place, 0);
    expect(first.add({ offset: 0, timestamp: T0, event: delivered('e1', 'imp1') })).toBe('applied');
    expect(first.add({ offset: 1, timestamp: T0, event: delivered('e1', 'imp1') }), 'its retry').toBe(
      'duplicate',
    );
    expect(progress(first, 'imp1')).toEqual({ applied: 1, duplicate: 1 });

    const handover: Handover = { control: 'handover', tenantId: 't1', messageId: 'm1', partition: THERE };
    const second = new BatchRun(c, ctx, place, 0);
    expect(second.add({ offset: 2, timestamp: T0, control: handover })).toBe('forwarded');
    expect(second.result.forwards).toHaveLength(1);
    expect(JSON.parse(second.result.forwards[0]?.value ?? '{}')).toMatchObject({
      eventId: 'e1',
      importId: 'imp1',
    });
    expect(progress(second, 'imp1')).toEqual({ applied: -1 });
  });

  it('takes nothing back for a held live event', () => {
    const c = cache();
    const first = new BatchRun(c, ctx, place, 0);
    first.add({
      offset: 0,
      timestamp: T0,
      event: { ...delivered('e1'), occurredAt: new Date(T0).toISOString() },
    });
    const second = new BatchRun(c, ctx, place, 0);
    second.add({
      offset: 1,
      timestamp: T0,
      control: { control: 'handover', tenantId: 't1', messageId: 'm1', partition: THERE },
    });
    expect(second.result.forwards).toHaveLength(1);
    const keys = [
      ...(second.result.delta.scopes.get(scopeId({ kind: 't', tenant: 't1' }))?.ints.keys() ?? []),
    ];
    expect(keys.filter((k) => k.startsWith(importProgressSuffix('')))).toEqual([]);
  });
});
