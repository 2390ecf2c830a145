/**
 * A bounded map that forgets its least recently used entry first (a Map keeps insertion order:
 * a hit is moved to the end, the first key is the oldest). Entries may carry an expiry.
 */
export class Lru<V> {
  private readonly map = new Map<string, { value: V; expires: number }>();
  constructor(private readonly maxEntries: number) {}

  get size(): number {
    return this.map.size;
  }

  /** The value, unless absent or expired at `now` (an expired entry stays for `peek` until evicted). */
  get(key: string, now: number): V | undefined {
    const e = this.map.get(key);
    if (!e || e.expires <= now) return undefined;
    this.map.delete(key);
    this.map.set(key, e);
    return e.value;
  }

  /** The value even if expired (its order unchanged), unless absent. */
  peek(key: string): V | undefined {
    return this.map.get(key)?.value;
  }

  set(key: string, value: V, expires = Infinity): void {
    this.map.delete(key);
    this.map.set(key, { value, expires });
    while (this.map.size > this.maxEntries) {
      const oldest = this.map.keys().next();
      if (oldest.done) break;
      this.map.delete(oldest.value);
    }
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
  }
}
