/**
 * What Tally serves for a tenant, read from Redis through the same readers query-api uses
 * (@tally/counters read*.ts), in the reference model's shape (@tally/model types.ts), so a
 * property test can compare the two with one `toEqual`.
 */
import { scanKeys as scanAll, type RedisClient } from '@tally/redis';
import {
  experimentFields,
  FIELD_SEPARATOR,
  listCampaigns,
  moneyUnitsOf,
  readAttributionStatus,
  readMinuteBuckets,
  type RedisKeys,
} from '@tally/counters';
import { COUNT_NAMES } from '@tally/kpi';
import type { TenantModel } from '@tally/model';

type Fields = Record<string, number>;
type Raw = Record<string, string>;

function sorted<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(
    Object.entries(o).sort(([a], [b]) =>
      /^\d+$/.test(a) && /^\d+$/.test(b) ? Number(a) - Number(b) : a < b ? -1 : a > b ? 1 : 0,
    ),
  );
}

function numbers(raw: Raw): Fields {
  const money = moneyUnitsOf(raw);
  const out: Fields = { ...money };
  for (const [k, v] of Object.entries(raw))
    if (!/^(cost|revenue):/.test(k) && Number(v) !== 0) out[k] = Number(v);
  return sorted(out);
}

/** "<tuple>\0<status>" (or "<code>\0failed") → n, as tuple → status → n. */
function split(raw: Raw, dims?: Raw): Record<string, Fields> {
  const out: Record<string, Fields> = {};
  for (const [field, v] of Object.entries(raw)) {
    const cut = field.lastIndexOf(FIELD_SEPARATOR);
    const head = field.slice(0, cut);
    const name = dims ? (dims[`s:${head}`] ?? `?${head}`) : head;
    const status = field.slice(cut + 1);
    if (Number(v) === 0) continue;
    (out[name] ??= {})[status] = Number(v);
  }
  for (const k of Object.keys(out)) out[k] = sorted(out[k] ?? {});
  return sorted(out);
}

/** Every key under the prefix (a test's own). */
export async function scanKeys(redis: RedisClient, keys: RedisKeys): Promise<Set<string>> {
  return new Set(await scanAll(redis, keys.all(), 2000));
}

/** The minutes that have a `<tag>:<kind>:<minute>` key. */
function minutesOf(all: Set<string>, tag: string, kind: string): number[] {
  const head = `${tag}:${kind}:`;
  return [...all]
    .filter((k) => k.startsWith(head) && /^\d+$/.test(k.slice(head.length)))
    .map((k) => Number(k.slice(head.length)));
}

/** The tenant's served figures, in the model's shape. */
export async function servedTenant(
  redis: RedisClient,
  keys: RedisKeys,
  tenant: string,
  senders: string[],
  status: { horizonMs: number; now: number },
  all?: Set<string>,
): Promise<Omit<TenantModel, 'campaignList'> & { campaignList: string[] }> {
  const present = all ?? (await scanKeys(redis, keys));
  const list = await listCampaigns(redis, keys, tenant);
  const campaigns: TenantModel['campaigns'] = {};
  for (const c of list) {
    const tag = keys.campaignTag(tenant, c.campaignId);
    const pipe = redis
      .pipeline()
      .hgetall(keys.tuples(tenant, c.campaignId))
      .hgetall(keys.dims(tenant, c.campaignId));
    pipe.hgetall(keys.breakdown(tenant, c.campaignId, 'error_code'));
    pipe.hgetall(keys.experiment(tenant, c.campaignId));
    pipe.hgetall(keys.breakdown(tenant, c.campaignId, 'failure_class'));
    pipe.hgetall(keys.breakdown(tenant, c.campaignId, 'carrier'));
    pipe.hgetall(keys.breakdown(tenant, c.campaignId, 'class_code'));
    const res = ((await pipe.exec()) ?? []) as [unknown, Raw][];
    const at = (i: number): Raw => res[i]?.[1] ?? {};
    const [bt, dims, bd, x, bfc, bcr, bcc] = [at(0), at(1), at(2), at(3), at(4), at(5), at(6)];
    const classCodes: Record<string, Record<string, number>> = {};
    for (const [head, f] of Object.entries(split(bcc))) {
      const cut = head.indexOf('\u0001');
      const n = f.failed ?? 0;
      if (n === 0) continue;
      (classCodes[head.slice(0, cut)] ??= {})[head.slice(cut + 1)] = n;
    }
    const ms = minutesOf(present, tag, 'w');
    const minutes = new Map<number, Record<string, number>>();
    for (const m of ms) {
      const got = (await readMinuteBuckets(redis, keys, tenant, c.campaignId, m, m)) ?? new Map();
      for (const [k, v] of got) minutes.set(k, v);
    }
    const minuteTuples: Record<string, Record<string, Fields>> = {};
    const minuteErrors: Record<string, Fields> = {};
    const mpipe = redis.pipeline();
    const wts = minutesOf(present, tag, 'wt');
    const wes = minutesOf(present, tag, 'we');
    for (const m of wts) mpipe.hgetall(`${tag}:wt:${m}`);
    for (const m of wes) mpipe.hgetall(`${tag}:we:${m}`);
    const mres = (await mpipe.exec()) ?? [];
    wts.forEach((m, i) => {
      const wt = split((mres[i]?.[1] ?? {}) as Raw, dims);
      if (Object.keys(wt).length > 0) minuteTuples[String(m)] = wt;
    });
    wes.forEach((m, i) => {
      const we = numbers((mres[wts.length + i]?.[1] ?? {}) as Raw);
      if (Object.keys(we).length > 0) minuteErrors[String(m)] = we;
    });
    const counts = Object.fromEntries(COUNT_NAMES.map((n) => [n, c.counts[n]]));
    campaigns[c.campaignId] = {
      counts,
      stats: c.stats,
      money: sorted(Object.fromEntries(Object.entries(c.moneyUnits).filter(([, v]) => v !== 0))),
      responseTimes: sorted(
        Object.fromEntries(
          Object.entries(c.responseTimes)
            .map(([b, n]) => [b, Number(n)])
            .filter(([, n]) => n !== 0),
        ),
      ),
      firstEventAt: Date.parse(c.firstEventAt ?? ''),
      channel: (c.channel ?? '') as TenantModel['campaigns'][string]['channel'],
      minutes: sorted(
        Object.fromEntries(
          [...minutes]
            .map(([m, f]) => [
              String(m),
              numbers(Object.fromEntries(Object.entries(f).map(([k, v]) => [k, String(v)]))),
            ])
            .filter(([, f]) => Object.keys(f as Fields).length > 0),
        ),
      ),
      tuples: split(bt ?? {}, dims),
      minuteTuples: sorted(minuteTuples),
      errorCodes: sorted(
        Object.fromEntries(Object.entries(split(bd ?? {})).map(([code, f]) => [code, f.failed ?? 0])),
      ),
      minuteErrorCodes: sorted(minuteErrors),
      failureClasses: sorted(
        Object.fromEntries(
          Object.entries(split(bfc ?? {}))
            .map(([k, f]) => [k, f.failed ?? 0] as const)
            .filter(([, n]) => n !== 0),
        ),
      ),
      failureClassCodes: classCodes,
      carriers: sorted(
        Object.fromEntries(
          Object.entries(split(bcr ?? {}))
            .map(([k, f]) => [k, sorted(f as Record<string, number>)] as const)
            .filter(([, f]) => Object.keys(f).length > 0),
        ),
      ),
      experiment: sorted(
        Object.fromEntries(
          [...experimentFields(x)].filter(([, v]) => v !== 0n).map(([k, v]) => [k, Number(v)]),
        ),
      ),
    } as TenantModel['campaigns'][string];
  }
  const sendersOut: TenantModel['senders'] = {};
  for (const s of senders) {
    const pipe = redis.pipeline();
    const sm = minutesOf(present, keys.senderTag(tenant, s), 'w');
    for (const m of sm) pipe.hgetall(keys.senderMinute(tenant, s, m));
    const res = (await pipe.exec()) ?? [];
    const minutes: Record<string, Fields> = {};
    res.forEach(([, raw], i) => {
      const f = numbers(raw as Raw);
      if (Object.keys(f).length > 0) minutes[String(sm[i])] = f;
    });
    if (Object.keys(minutes).length > 0) sendersOut[s] = { minutes: sorted(minutes) };
  }
  const st = await readAttributionStatus(redis, keys, tenant, status.horizonMs, status.now);
  return {
    campaigns: sorted(campaigns),
    campaignList: list.map((c) => c.campaignId),
    senders: sorted(sendersOut),
    pending: sorted(st.pending),
    unattributed: sorted(st.unattributed),
    late: sorted(st.late),
  };
}
