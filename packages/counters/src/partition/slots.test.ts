/**
 * Redis Cluster runs a script only when every key it declares hashes to one slot. Each script
 * call of the state is recorded through a fake client and the slot of its KEYS computed with
 * cluster-key-slot (via @tally/redis), for arbitrary tenant, campaign, sender and topic names —
 * hash-tag characters included.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Cluster } from 'ioredis';
import { slotOf, type RedisClient } from '@tally/redis';
import { RedisKeys } from '../keys.ts';
import { BatchDelta } from '../state/delta.ts';
import { scopeId } from '../state/contribution.ts';
import { scopeWrites } from './scope-ops.ts';
import { claimHolds, commitScript, registerAll, writeScopes } from './store.ts';
import { cleanPartition, cleanScope, cutPartition, cutScope } from './cuts.ts';

interface Call {
  name: string;
  keys: string[];
}

const REPLIES: Record<string, unknown> = {
  tallyCommit: ['ok'],
  tallyRegister: ['ok'],
  tallyClaim: ['ok'],
  tallyScopeWrite: 'ok',
  tallyPartitionCut: [['epoch', 'e', 'next', '0'], '', 1, 1, []],
  tallyPartitionClean: 'ok',
  tallyScopeCutBuffer: [],
  tallyScopeClean: 'ok',
};

/** Records each script call (numkeys, then the keys) made directly or in a pipeline. */
function recorder(): { redis: RedisClient; calls: Call[] } {
  const calls: Call[] = [];
  const scripts = new Set<string>();
  const record = (name: string, args: (string | number)[]) => {
    const n = Number(args[0]);
    calls.push({ name, keys: args.slice(1, 1 + n).map(String) });
    return REPLIES[name];
  };
  const commander = (queue: unknown[]) =>
    new Proxy(
      {},
      {
        get: (_, prop: string) => {
          if (prop === 'exec') return () => Promise.resolve(queue.map((v) => [null, v]));
          if (scripts.has(prop))
            return (...args: string[]) => {
              queue.push(record(prop, args));
              return commander(queue);
            };
          return () => {
            queue.push(null);
            return commander(queue);
          };
        },
      },
    );
  const fake = {
    defineCommand(name: string) {
      scripts.add(name);
      scripts.add(`${name}Buffer`);
      const direct =
        (suffix: string) =>
        (...args: string[]) =>
          Promise.resolve(record(name + suffix, args));
      Object.assign(fake, { [name]: direct(''), [`${name}Buffer`]: direct('Buffer') });
    },
    pipeline: () => commander([]),
    multi: () => commander([]),
    hscan: () => Promise.resolve(['0', []]),
  };
  // A Cluster as far as `isCluster` can tell: the scripts declare their slot's epoch key.
  Object.setPrototypeOf(fake, Cluster.prototype);
  return { redis: fake as unknown as RedisClient, calls };
}

const name = fc.string({ minLength: 1, maxLength: 12 });

function oneSlot(calls: Call[]): void {
  expect(calls.length).toBeGreaterThan(0);
  for (const c of calls) {
    expect(c.keys.length, c.name).toBeGreaterThan(0);
    const slots = new Set(c.keys.map((k) => slotOf(k)));
    expect([...slots], `${c.name}: ${c.keys.join(' ')}`).toHaveLength(1);
  }
}

describe('every script call declares keys of one hash slot', () => {
  it('partition commit, registration, cut and clean', async () => {
    await fc.assert(
      fc.asyncProperty(name, fc.nat(63), fc.array(fc.nat(63), { minLength: 1 }), async (topic, p, homes) => {
        const { redis, calls } = recorder();
        const keys = new RedisKeys('tally');
        const k = keys.partition(topic, p);
        await commitScript(redis, k, keys.slotEpoch(slotOf(k.meta)), {
          expectedNext: 0,
          next: 1,
          stream: 0,
          outbox: undefined,
          expectedVersion: 0,
          recipients: [['t r', 'x']],
          messages: [['t m', 'x']],
          loose: [],
          tombstones: [],
          dirtyScopes: ['c'],
          holds: new Map([['t m', true]]),
        });
        await registerAll(redis, keys, topic, new Map(homes.map((h, i) => [`t m${i}`, h])), p);
        await claimHolds(redis, k, keys.slotEpoch(slotOf(k.meta)), ['t m', 't n']);
        const cut = await cutPartition(redis, keys, topic, p);
        if (cut) await cleanPartition(redis, keys, { ...cut, scopes: [['c', '1']] });
        oneSlot(calls);
      }),
    );
  });

  it('scope writes, cuts and cleans of campaigns, senders and tenants', async () => {
    await fc.assert(
      fc.asyncProperty(name, name, name, async (tenant, campaign, sender) => {
        const { redis, calls } = recorder();
        const keys = new RedisKeys('tally');
        const delta = new BatchDelta();
        const scopes = [
          { kind: 'c' as const, tenant, id: campaign },
          { kind: 's' as const, tenant, id: sender },
          { kind: 't' as const, tenant },
        ];
        for (const s of scopes)
          delta.scopes.set(scopeId(s), {
            ints: new Map([
              ['counts', new Map([['sent', 1]])],
              ['w:29000000', new Map([['sent', 1]])],
            ]),
            money: new Map([['money', new Map([['cost:EUR', 3n * 10n ** 15n + 7n]])]]),
            firstAt: { firstAt: 1, channel: 'sms' },
            active: 29000000,
            dims: new Map([['id', 'sms']]),
          });
        const writes = scopeWrites(delta, keys, 90_000);
        expect(writes).toHaveLength(3);
        await writeScopes(redis, keys, 'events:0', 5, writes);
        for (const s of scopes) {
          const tag = keys.scopeTag(s);
          const cut = await cutScope(redis, keys, tag);
          await cleanScope(redis, keys, {
            ...cut,
            entries: [
              { key: Buffer.from(keys.fence(tag)), count: '1', dump: Buffer.alloc(0), pttl: -1, fields: {} },
            ],
          });
        }
        oneSlot(calls);
        expect(calls.filter((c) => c.name === 'tallyScopeWrite')).toHaveLength(3);
      }),
    );
  });
});
