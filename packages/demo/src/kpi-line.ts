/**
 * One short line every few seconds for the demo's terminal: what was sent and accepted, the
 * campaigns' headline rates (summed over all of them, from query-api), and the firing alerts.
 */
import type { RunStats } from './stats.ts';

interface CampaignRow {
  counts: Record<string, number>;
}
interface AlertRow {
  ruleType: string;
  scope: { id: string };
}

const pct = (n: number, d: number) => (d > 0 ? `${((100 * n) / d).toFixed(1)}%` : '–');
const k = (n: number) => (n >= 10_000 ? `${(n / 1000).toFixed(1)}k` : String(n));

async function getJson<T>(url: string, apiKey: string): Promise<T | undefined> {
  try {
    const res = await fetch(url, {
      headers: { authorization: `Bearer ${apiKey}` },
      signal: AbortSignal.timeout(2000),
    });
    return res.ok ? ((await res.json()) as T) : undefined;
  } catch {
    return undefined;
  }
}

export function clock(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

export async function kpiLine(queryUrl: string, apiKey: string, stats: RunStats): Promise<string> {
  const head = `[demo] ${clock(stats.elapsedMs)} ${k(stats.eventsTotal)} events, ${stats.refused + stats.errors} refused`;
  if (!queryUrl) return head;
  const [list, alerts] = await Promise.all([
    getJson<{ campaigns: CampaignRow[] }>(`${queryUrl}/v1/campaigns?limit=100`, apiKey),
    getJson<{ alerts: AlertRow[] }>(`${queryUrl}/v1/alerts?state=firing&limit=10`, apiKey),
  ]);
  if (!list) return `${head} | query-api not answering`;
  const sum = (name: string) => list.campaigns.reduce((s, c) => s + (c.counts[name] ?? 0), 0);
  const delivered = sum('delivered');
  const firing = alerts?.alerts.map((a) => `${a.ruleType} ${a.scope.id}`).join(', ') || 'none';
  return (
    `${head} | ${list.campaigns.length} campaigns, ${k(sum('sent'))} sent: delivered ${pct(delivered, sum('sent'))}, ` +
    `ctr ${pct(sum('clicked'), delivered)}, conv ${pct(sum('converted'), delivered)}, opt-out ${pct(sum('optOuts'), delivered)}` +
    ` | firing: ${firing}`
  );
}
