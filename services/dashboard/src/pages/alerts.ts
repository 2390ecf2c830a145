/**
 * Alerts: firing and resolved alerts, live — every transition on /v1/alerts/stream re-reads the
 * list at once (and is announced), so a new alert appears without a reload — then the rules,
 * notification channels and silences.
 */
import type { Alert } from '../api/types.ts';
import type { PageContext } from '../context.ts';
import { href } from '../router.ts';
import { h, patch } from '../ui/dom.ts';
import { fmtAgo, fmtTime } from '../ui/format.ts';
import { errorState } from '../ui/states.ts';
import { createTable, type Column } from '../ui/table.ts';
import { channelsSection } from './alerts/channels.ts';
import { describeNumbers, RULE_LABEL } from './alerts/describe.ts';
import { rulesSection } from './alerts/rules-form.ts';
import { silencesSection } from './alerts/silences.ts';

export function alertsPage(root: HTMLElement, ctx: PageContext): void {
  const fresh = new Set<string>();
  const announce = h('p', { class: 'announce', 'aria-live': 'assertive', 'data-testid': 'alert-announce' });
  const status = h('div');
  const silences = silencesSection(ctx);
  const scope = (a: Alert) =>
    a.scope.kind === 'campaign'
      ? h('a', { href: href('campaigns', a.scope.id) }, `campaign ${a.scope.id}`)
      : `sender ${a.scope.id}`;
  const columns = (state: 'firing' | 'resolved'): Column<Alert>[] => [
    {
      key: 'ruleType',
      label: 'Rule',
      value: (a) => a.ruleType,
      render: (a) =>
        h('span', { class: fresh.has(a.id) ? 'new-mark' : '' }, RULE_LABEL[a.ruleType] ?? a.ruleType),
    },
    { key: 'scope', label: 'Where', value: (a) => `${a.scope.kind} ${a.scope.id}`, render: scope },
    {
      key: 'firedAt',
      label: 'Fired',
      value: (a) => a.firedAt,
      render: (a) => h('span', { title: fmtTime(a.firedAt) }, fmtAgo(a.firedAt, Date.now())),
    },
    state === 'resolved'
      ? {
          key: 'resolvedAt',
          label: 'Resolved',
          value: (a) => a.resolvedAt,
          render: (a) => h('span', { title: fmtTime(a.resolvedAt) }, fmtAgo(a.resolvedAt, Date.now())),
        }
      : {
          key: 'lastNotifiedAt',
          label: 'Last notified',
          value: (a) => a.lastNotifiedAt,
          render: (a) => fmtAgo(a.lastNotifiedAt, Date.now()),
        },
    {
      key: 'numbers',
      label: 'When it fired',
      sortable: false,
      value: (a) => JSON.stringify(a.numbers),
      render: (a) => h('span', { class: 'small' }, describeNumbers(a.numbers)),
    },
    {
      key: 'lastNumbers',
      label: 'Latest',
      sortable: false,
      value: (a) => JSON.stringify(a.lastNumbers),
      render: (a) => h('span', { class: 'small' }, describeNumbers(a.lastNumbers)),
    },
    {
      key: 'actions',
      label: '',
      sortable: false,
      value: () => null,
      render: (a) =>
        h(
          'button',
          {
            type: 'button',
            'data-key': `silence-${a.id}`,
            onclick: () => silences.prefill(a.scope.kind, a.scope.id),
          },
          'Silence…',
        ),
    },
  ];
  const firing = createTable<Alert>({
    columns: columns('firing'),
    rowKey: (a) => a.id,
    sort: { key: 'firedAt', desc: true },
    testid: 'firing-table',
    empty: h(
      'p',
      { class: 'ok-state', 'data-testid': 'no-firing' },
      'Nothing is firing. New alerts appear here the moment they fire.',
    ),
  });
  const resolved = createTable<Alert>({
    columns: columns('resolved'),
    rowKey: (a) => a.id,
    sort: { key: 'resolvedAt', desc: true },
    testid: 'resolved-table',
    empty: h('p', { class: 'muted' }, 'No resolved alerts yet.'),
  });
  const w = ctx.live.watch<{ alerts: Alert[] }>({
    // transitions come over the alert stream (below); this re-read keeps each alert's latest
    // numbers (and so its "clearing" state) current between them
    intervalMs: 20_000,
    load: (signal) => ctx.api.get('/v1/alerts', { limit: 200 }, signal),
    onData: (r) => {
      patch(status);
      firing.update(r.alerts.filter((a) => a.state === 'firing'));
      resolved.update(r.alerts.filter((a) => a.state === 'resolved'));
    },
    onError: (err) => patch(status, errorState(err)),
  });
  ctx.onLeave(
    ctx.alerts.subscribe((t) => {
      if (!t) return;
      fresh.add(t.alert.id);
      const verb = t.kind === 'fire' ? 'fired' : t.kind === 'resolve' ? 'resolved' : 'is still firing';
      announce.textContent = `${RULE_LABEL[t.alert.ruleType] ?? t.alert.ruleType} on ${t.alert.scope.kind} ${t.alert.scope.id} ${verb}.`;
      w.refresh();
    }),
  );
  root.replaceChildren(
    h('h1', { tabindex: '-1' }, 'Alerts'),
    h(
      'p',
      { class: 'muted' },
      'Live from the alert stream: an alert appears here as it fires and moves down when it resolves.',
    ),
    announce,
    status,
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'firing-title' },
      h('h2', { id: 'firing-title' }, 'Firing'),
      firing.el,
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'resolved-title' },
      h('h2', { id: 'resolved-title' }, 'Resolved'),
      resolved.el,
    ),
    rulesSection(ctx),
    h('div', { class: 'two-col' }, channelsSection(ctx), silences.el),
  );
}
