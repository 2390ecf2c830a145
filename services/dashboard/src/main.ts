/**
 * The dashboard's shell: sign-in gate, navigation, live-stream indicator, and the hash router that
 * mounts one page at a time (leaving a page stops its refreshes and disposes its charts).
 */
import './styles.css';
import { createApi } from './api/client.ts';
import { clearKey, getKey } from './auth.ts';
import type { Page, PageContext } from './context.ts';
import { createAlertsStore, type AlertsStore } from './live/alerts-store.ts';
import { createFiguresStore, type FiguresStore } from './live/figures.ts';
import { createLive } from './live/live.ts';
import { alertsPage } from './pages/alerts.ts';
import { audiencePage } from './pages/audience.ts';
import { campaignPage } from './pages/campaign.ts';
import { campaignsPage } from './pages/campaigns.ts';
import { deliverabilityPage } from './pages/deliverability.ts';
import { signInPage } from './pages/sign-in.ts';
import { parseRoute } from './router.ts';
import { h } from './ui/dom.ts';

const PAGES: Record<string, Page> = {
  campaigns: campaignsPage,
  campaign: campaignPage,
  alerts: alertsPage,
  audience: audiencePage,
  deliverability: deliverabilityPage,
};

const NAV = [
  ['campaigns', 'Campaigns'],
  ['alerts', 'Alerts'],
  ['audience', 'Audience & timing'],
  ['deliverability', 'Deliverability'],
] as const;

let session: { alerts: AlertsStore; figures: FiguresStore; stopPage(): void } | null = null;
let signOutReason: string | null = null;
const app = document.getElementById('app') ?? document.body;

function signOut(reason: string | null): void {
  clearKey();
  session?.stopPage();
  session?.alerts.stop();
  session?.figures.stop();
  session = null;
  signOutReason = reason;
  if (parseRoute(location.hash).page !== 'sign-in') location.hash = '#/sign-in';
  else render();
}

const api = createApi({
  getKey,
  onUnauthorized: () => signOut('Your key was not accepted (401). Sign in again.'),
});

function shell(alerts: AlertsStore, current: string): { main: HTMLElement; update: () => void } {
  const badge = h('span', { class: 'badge', 'data-testid': 'nav-firing', hidden: true });
  const live = h('span', { class: 'live-state', role: 'status', 'data-testid': 'stream-state' });
  const main = h('main', { id: 'main', tabindex: '-1' });
  const skip = h('button', { class: 'skip', type: 'button', onclick: () => main.focus() }, 'Skip to content');
  const nav = h(
    'nav',
    { 'aria-label': 'Main' },
    NAV.map(([page, label]) =>
      h(
        'a',
        { href: `#/${page}`, 'aria-current': current === page ? 'page' : undefined },
        label,
        page === 'alerts' ? badge : null,
      ),
    ),
  );
  const header = h(
    'header',
    { class: 'top' },
    h(
      'a',
      { class: 'brand', href: '#/campaigns' },
      h('span', { 'aria-hidden': 'true', class: 'logo' }, '▮▮▮'),
      'Tally',
    ),
    nav,
    live,
    h(
      'button',
      { type: 'button', class: 'link', 'data-testid': 'sign-out', onclick: () => signOut(null) },
      'Sign out',
    ),
  );
  app.replaceChildren(skip, header, main);
  const update = () => {
    const n = alerts.firing().length;
    badge.hidden = n === 0;
    badge.textContent = String(n);
    badge.setAttribute('aria-label', `${n} firing`);
    const s = alerts.state();
    live.textContent = s === 'live' ? '● Live' : s === 'stopped' ? '○ Offline' : '◌ Connecting…';
    live.className = `live-state ${s}`;
  };
  update();
  return { main, update };
}

function render(): void {
  const route = parseRoute(location.hash);
  if (!getKey() || route.page === 'sign-in') {
    session?.stopPage();
    session?.alerts.stop();
    session?.figures.stop();
    session = null;
    signInPage(app, {
      reason: signOutReason,
      onSignedIn: () => {
        signOutReason = null;
        if (route.page === 'sign-in') location.hash = '#/campaigns';
        else render();
      },
    });
    return;
  }
  session?.stopPage();
  const alerts = session?.alerts ?? createAlertsStore(api);
  const figures = session?.figures ?? createFiguresStore(api);
  const live = createLive();
  const leave: (() => void)[] = [];
  const { main, update } = shell(alerts, route.page === 'campaign' ? 'campaigns' : route.page);
  leave.push(alerts.subscribe(update));
  const ctx: PageContext = { api, live, alerts, figures, route, onLeave: (fn) => leave.push(fn) };
  session = {
    alerts,
    figures,
    stopPage: () => {
      live.stopAll();
      for (const fn of leave.splice(0)) fn();
    },
  };
  (PAGES[route.page] ?? campaignsPage)(main, ctx);
  main.querySelector<HTMLElement>('h1')?.focus({ preventScroll: true });
}

window.addEventListener('hashchange', render);
render();
