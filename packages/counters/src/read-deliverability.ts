/**
 * Readers of a tenant's deliverability cells and list-hygiene entries (issue 20), by UTC day
 * (keys.ts `dl:<day>`, `hy:<day>`; written by count-message.ts). Every key is in the tenant's slot.
 */
import type { RedisClient } from '@tally/redis';
import { FIELD_SEPARATOR, type RedisKeys } from './keys.ts';
import { hgetall } from './read.ts';
import { readWhole } from './whole-read.ts';

type Raw = Record<string, string>;

export interface DeliverabilityCell {
  day: number;
  status: 'sent' | 'delivered' | 'failed';
  channel: string;
  provider: string;
  country: string;
  carrier: string;
  failureClass: string;
  permanent: boolean;
  n: number;
}

export interface HygieneEntry {
  recipient: string;
  t: number;
  /** A failure class, or `opted_out` / `opted_in`. */
  kind: string;
  permanent: boolean;
  messageId: string;
  provider: string;
}

async function readDays(redis: RedisClient, keys: string[], key: RedisKeys): Promise<Raw[]> {
  if (keys.length === 0) return [];
  return (await readWhole(
    redis,
    key,
    keys.map((k) => hgetall(k)),
  )) as Raw[];
}

/** The cells of the given days (non-zero counts only). */
export async function readDeliverability(
  redis: RedisClient,
  keys: RedisKeys,
  tenant: string,
  days: number[],
): Promise<DeliverabilityCell[]> {
  const raws = await readDays(
    redis,
    days.map((d) => keys.deliverability(tenant, d)),
    keys,
  );
  const out: DeliverabilityCell[] = [];
  raws.forEach((raw, i) => {
    for (const [field, v] of Object.entries(raw)) {
      const n = Number(v);
      if (!(n > 0)) continue;
      const [
        status = '',
        channel = '',
        provider = '',
        country = '',
        carrier = '',
        failureClass = '',
        p = '',
      ] = field.split(FIELD_SEPARATOR);
      if (status !== 'sent' && status !== 'delivered' && status !== 'failed') continue;
      out.push({
        day: days[i] ?? 0,
        status,
        channel,
        provider,
        country,
        carrier,
        failureClass,
        permanent: p === '1',
        n,
      });
    }
  });
  return out;
}

/** The list-hygiene entries of the given days (each counted once, whatever its count). */
export async function readHygiene(
  redis: RedisClient,
  keys: RedisKeys,
  tenant: string,
  days: number[],
): Promise<HygieneEntry[]> {
  const raws = await readDays(
    redis,
    days.map((d) => keys.hygiene(tenant, d)),
    keys,
  );
  const out: HygieneEntry[] = [];
  for (const raw of raws)
    for (const [field, v] of Object.entries(raw)) {
      if (!(Number(v) > 0)) continue;
      const [recipient = '', t = '0', kind = '', p = '', messageId = '', provider = ''] =
        field.split(FIELD_SEPARATOR);
      out.push({ recipient, t: Number(t), kind, permanent: p === '1', messageId, provider });
    }
  return out;
}
