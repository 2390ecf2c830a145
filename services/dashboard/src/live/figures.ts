/**
 * The visible campaigns' headline figures, pushed by GET /v1/campaigns/stream: ONE stream per tab
 * (beside the alert stream) for the union of what the page on screen follows. Pages follow ids and
 * get each changed figure within about a second of the aggregator counting it, instead of polling
 * (an idle tab sends nothing: the stream's figures only move when events arrive). When the set of
 * followed ids changes the stream is reopened once (debounced); on every (re)connection the server
 * sends all current figures, so nothing missed while it was down stays missed.
 */
import type { Api } from '../api/client.ts';
import { openEventStream, type StreamState } from '../api/sse.ts';
import type { CampaignKpis } from '../api/types.ts';

export type Figure = CampaignKpis;

export interface FiguresStore {
  /** Follows `ids` (at most 50 in all); `onFigure` gets each one as it changes. Returns unfollow. */
  follow(ids: string[], onFigure: (f: Figure) => void): () => void;
  /** The latest figure of a campaign, if one came. */
  latest(id: string): Figure | undefined;
  state(): StreamState;
  stop(): void;
}

const MAX_IDS = 50;

export function createFiguresStore(api: Api): FiguresStore {
  const subs = new Set<{ ids: Set<string>; cb: (f: Figure) => void }>();
  const latest = new Map<string, Figure>();
  let state: StreamState = 'stopped';
  let close: (() => void) | undefined;
  let openIds = '';
  let timer: ReturnType<typeof setTimeout> | undefined;

  const reopen = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const ids = [...new Set([...subs].flatMap((s) => [...s.ids]))].sort().slice(0, MAX_IDS);
      const key = ids.join(',');
      if (key === openIds) return;
      close?.();
      close = undefined;
      openIds = key;
      if (ids.length === 0) {
        state = 'stopped';
        return;
      }
      close = openEventStream({
        api,
        path: `/v1/campaigns/stream?ids=${encodeURIComponent(key)}`,
        onEvent: (e) => {
          if (e.event !== 'figures') return;
          const { campaigns } = JSON.parse(e.data) as { campaigns: Figure[] };
          for (const f of campaigns) {
            latest.set(f.campaignId, f);
            for (const s of subs) if (s.ids.has(f.campaignId)) s.cb(f);
          }
        },
        onConnected: () => undefined,
        onState: (s) => (state = s),
      });
    }, 50);
  };

  return {
    follow(ids, cb) {
      const sub = { ids: new Set(ids), cb };
      subs.add(sub);
      for (const id of ids) {
        const f = latest.get(id);
        if (f) cb(f);
      }
      reopen();
      return () => {
        subs.delete(sub);
        reopen();
      };
    },
    latest: (id) => latest.get(id),
    state: () => state,
    stop() {
      clearTimeout(timer);
      subs.clear();
      close?.();
      close = undefined;
      openIds = '';
    },
  };
}
