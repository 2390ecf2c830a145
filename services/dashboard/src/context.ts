import type { Api } from './api/client.ts';
import type { AlertsStore } from './live/alerts-store.ts';
import type { FiguresStore } from './live/figures.ts';
import type { Live } from './live/live.ts';
import type { Route } from './router.ts';

/** What a page gets: the API, the refresh scheduler, the live alerts, and a cleanup hook. */
export interface PageContext {
  api: Api;
  live: Live;
  alerts: AlertsStore;
  /** The visible campaigns' headline figures, pushed (one stream per tab). */
  figures: FiguresStore;
  route: Route;
  /** Registers cleanup for when the page is left (charts, subscriptions). */
  onLeave(fn: () => void): void;
}

export type Page = (root: HTMLElement, ctx: PageContext) => void;
