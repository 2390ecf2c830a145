/**
 * The open SSE streams of this replica (GET /v1/alerts/stream): at most `maxPerTenant` per tenant
 * (beyond, the route answers 429 `too_many_streams`), and every one ended cleanly when the
 * replica shuts down (a closing comment, then the end of the response), so clients reconnect to
 * another replica at once instead of waiting out a dead socket.
 */
import type { ServerResponse } from 'node:http';

export interface StreamRegistry {
  /** Registers the stream; the function removes it. Undefined when the tenant is at its cap. */
  admit(tenant: string, res: ServerResponse): (() => void) | undefined;
  count(tenant?: string): number;
  /** Ends every open stream (and refuses new ones). */
  closeAll(): void;
}

export function createStreamRegistry(opts: { maxPerTenant: number }): StreamRegistry {
  const byTenant = new Map<string, Set<ServerResponse>>();
  let closing = false;
  return {
    admit(tenant, res) {
      const open = byTenant.get(tenant) ?? new Set<ServerResponse>();
      if (closing || open.size >= opts.maxPerTenant) return undefined;
      open.add(res);
      byTenant.set(tenant, open);
      return () => {
        open.delete(res);
        if (open.size === 0 && byTenant.get(tenant) === open) byTenant.delete(tenant);
      };
    },
    count(tenant) {
      if (tenant !== undefined) return byTenant.get(tenant)?.size ?? 0;
      let n = 0;
      for (const s of byTenant.values()) n += s.size;
      return n;
    },
    closeAll() {
      closing = true;
      for (const open of byTenant.values())
        for (const res of open) {
          if (!res.writableEnded) res.end(': shutting down, reconnect\n\n');
        }
    },
  };
}
