/**
 * recipient_state rows (the audience routes' input) of some recipients of a partition, read from
 * Redis with their messages. A readable copy, taken beside a snapshot: it needs no cut.
 */
import type { Redis } from 'ioredis';
import type { RedisKeys } from '../keys.ts';
import { attachments } from '../state/count-cluster.ts';
import type { TenantWindows } from '../state/event.ts';
import { viewOf } from '../state/message.ts';
import { audienceRow } from '../state/audience.ts';
import { decodeMessage, decodeRecipient, fieldOf, splitField } from './codec.ts';
import { readFields } from './store.ts';

export interface AudienceRow {
  tenant: string;
  recipient: string;
  row: Record<string, string>;
}

export async function audienceRows(
  redis: Redis,
  keys: RedisKeys,
  topic: string,
  partition: number,
  recipientFields: string[],
  windows: (tenant: string) => TenantWindows,
  keepDays: number,
): Promise<AudienceRow[]> {
  if (recipientFields.length === 0) return [];
  const k = keys.partition(topic, partition);
  const recs = (await readFields(redis, [[k.recipients, recipientFields]])).get(k.recipients) ?? [];
  const decoded = recipientFields.flatMap((f, i) => {
    const v = recs[i];
    return v ? [decodeRecipient(f, v)] : [];
  });
  const msgFields = decoded.flatMap((r) => r.ms.map((m) => fieldOf(r.tn, m)));
  const msgs = (await readFields(redis, [[k.messages, msgFields]])).get(k.messages) ?? [];
  const byField = new Map<string, string>();
  msgFields.forEach((f, i) => {
    const v = msgs[i];
    if (v) byField.set(f, v);
  });
  return decoded.map((rec) => {
    const views = rec.ms.flatMap((m) => {
      const f = fieldOf(rec.tn, m);
      const v = byField.get(f);
      return v ? [viewOf(decodeMessage(f, v).rec)] : [];
    });
    const { targets } = attachments(rec, views, { now: 0, minuteTtlSeconds: 0, windows });
    return { tenant: rec.tn, recipient: rec.r, row: audienceRow(rec, views, targets, keepDays) };
  });
}

/** The recipient fields a partition cut's dirty rows touch (recipients, and messages' recipients). */
export function touchedRecipients(rows: { kind: string; field: string; value: string }[]): string[] {
  const out = new Set<string>();
  for (const r of rows) {
    if (r.kind === 'r' && r.value) out.add(r.field);
    if (r.kind === 'm' && r.value) {
      const m = decodeMessage(r.field, r.value);
      const rid = m.anon ? undefined : m.rec.r?.[1];
      if (rid !== undefined) out.add(fieldOf(splitField(r.field)[0], rid));
    }
  }
  return [...out];
}
