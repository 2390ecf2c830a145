import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '@tally/events';
import { createCoalescingPublisher } from './coalescing-publisher.ts';

const ev = (id: string) => ({ eventId: id }) as CanonicalEvent;

/** A fake producer whose produce requests complete when the test says so. */
function fakeTarget() {
  const calls: { ids: string[]; done: (err?: Error) => void }[] = [];
  return {
    calls,
    publish(events: CanonicalEvent[]) {
      return new Promise<void>((resolve, reject) => {
        calls.push({ ids: events.map((e) => e.eventId), done: (err) => (err ? reject(err) : resolve()) });
      });
    },
  };
}
const tick = () => new Promise((r) => setImmediate(r));

describe('coalescing publisher', () => {
  it('sends at once when idle, then groups what arrives meanwhile into the next produce, in order', async () => {
    const t = fakeTarget();
    const p = createCoalescingPublisher(t);
    const settled: string[] = [];
    const a = p.publish([ev('a1'), ev('a2')]).then(() => settled.push('a'));
    expect(t.calls.map((c) => c.ids)).toEqual([['a1', 'a2']]);
    const b = p.publish([ev('b1')]).then(() => settled.push('b'));
    const c = p.publish([ev('c1'), ev('c2')]).then(() => settled.push('c'));
    await tick();
    expect(t.calls).toHaveLength(1);
    expect(settled).toEqual([]);
    t.calls[0]?.done();
    await a;
    await tick();
    expect(t.calls.map((x) => x.ids)).toEqual([
      ['a1', 'a2'],
      ['b1', 'c1', 'c2'],
    ]);
    expect(settled).toEqual(['a']);
    t.calls[1]?.done();
    await Promise.all([b, c]);
    expect(settled).toEqual(['a', 'b', 'c']);
  });

  it('rejects every request of a failed produce, and only those', async () => {
    const t = fakeTarget();
    const p = createCoalescingPublisher(t);
    const a = p.publish([ev('a')]);
    const b = p.publish([ev('b')]);
    const c = p.publish([ev('c')]);
    t.calls[0]?.done();
    await a;
    await tick();
    t.calls[1]?.done(new Error('kafka down'));
    await expect(b).rejects.toThrow('kafka down');
    await expect(c).rejects.toThrow('kafka down');
    const d = p.publish([ev('d')]);
    await tick();
    t.calls[2]?.done();
    await expect(d).resolves.toBeUndefined();
  });

  it('never splits one request across produce requests, and caps the others', async () => {
    const t = fakeTarget();
    const p = createCoalescingPublisher(t, { maxEventsPerProduce: 3 });
    void p.publish([ev('x')]);
    void p.publish([ev('b1'), ev('b2')]);
    void p.publish([ev('c1'), ev('c2')]);
    void p.publish([ev('d1'), ev('d2'), ev('d3'), ev('d4')]);
    for (let i = 0; i < 4; i++) {
      await tick();
      t.calls[i]?.done();
    }
    await tick();
    expect(t.calls.map((c) => c.ids)).toEqual([['x'], ['b1', 'b2'], ['c1', 'c2'], ['d1', 'd2', 'd3', 'd4']]);
  });

  it('publishes nothing for an empty request', async () => {
    const t = fakeTarget();
    await createCoalescingPublisher(t).publish([]);
    expect(t.calls).toEqual([]);
  });
});
