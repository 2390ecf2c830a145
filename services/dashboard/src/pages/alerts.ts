/**
 * Alerts: firing and resolved alerts, live — every transition on /v1/alerts/stream re-reads the
 * list at once (and is announced), so a new alert appears without a reload — then the rules,
 * notification channels and silences.
 */
import type { Alert, NotificationChannel, RulesAnswer } from '../api/types.ts';
import type { PageContext } from '../context.ts';
import { href } from '../router.ts';
import { h, patch } from '../ui/dom.ts';
import { fmtAgo, fmtTime } from '../ui/format.ts';
import { errorState } from '../ui/states.ts';
import { createTable, type Column } from '../ui/table.ts';
import { channelsSection } from './alerts/channels.ts';
import { clearingText, describeAlert, RULE_LABEL } from './alerts/describe.ts';
import { rulesSection } from './alerts/rules-form.ts';
import { silencesSection } from './alerts/silences.ts';

export function alertsPage(root: HTMLElement, ctx: PageContext): void {
  const fresh = new Set<string>();
  const announce = h('p', { class: 'announce', 'aria-live': 'assertive', 'data-testid': 'alert-announce' });
  const status = h('div');
  const notifyNote = h('p', { class: 'muted small', 'data-testid': 'no-channel-note', hidden: true });
  const silences = silencesSection(ctx);
  // What the words need beside the alerts: each rule's resolve period, and whether anyone is
  // notified at all (no channel: no "last notified" — nobody was).
  let resolveAfter: Record<string, number> = {};
  let hasChannel = true;
  const scope = (a: Alert) =>
    a.scope.kind === 'campaign'
      ? h('a', { href: href('campaigns', a.scope.id) }, `campaign ${a.scope.id}`)
      : `sender ${a.scope.id}`;
  const words = (a: Alert, latest: boolean) =>
    h(
      'span',
      { class: 'alert-words', 'data-testid': latest ? 'alert-latest' : 'alert-fired' },
      describeAlert(a.ruleType, latest ? a.lastNumbers : a.numbers, latest).map((p) =>
        p.role ? h('strong', { 'data-testid': `alert-${p.role}` }, p.text) : p.text,
      ),
    );
  const clearing = (a: Alert) => clearingText(a, resolveAfter[a.ruleType] ?? 600, Date.now());
  const columns = (state: 'firing' | 'resolved'): Column<Alert>[] => [
    {
      key: 'ruleType',
      label: 'Rule',
      value: (a) => a.ruleType,
      render: (a) => {
        const c = clearing(a);
        return h(
          'span',
          {},
          h('span', { class: fresh.has(a.id) ? 'new-mark' : '' }, RULE_LABEL[a.ruleType] ?? a.ruleType),
          state === 'firing'
            ? h(
                'span',
                { class: `state-pill ${c ? 'clearing' : 'firing'}`, 'data-testid': 'alert-state' },
                c ? 'clearing' : 'firing',
              )
            : null,
        );
      },
    },
    { key: 'scope', label: 'Where', value: (a) => `${a.scope.kind} ${a.scope.id}`, render: scope },
    {
      key: 'numbers',
      label: 'When it fired',
      sortable: false,
      value: (a) => JSON.stringify(a.numbers),
      render: (a) => words(a, false),
    },
    ...(state === 'firing'
      ? [
          {
            key: 'lastNumbers',
            label: 'Now',
            sortable: false,
            value: (a: Alert) => JSON.stringify(a.lastNumbers),
            render: (a: Alert) => {
              const c = clearing(a);
              return h(
                'span',
                {},
                words(a, true),
                c ? h('span', { class: 'clearing-note', 'data-testid': 'alert-clearing' }, ` — ${c}`) : null,
              );
            },
          },
        ]
      : []),
    {
      key: 'firedAt',
      label: 'Fired',
      value: (a) => a.firedAt,
      render: (a) => h('span', { title: fmtTime(a.firedAt) }, fmtAgo(a.firedAt, Date.now())),
    },
    ...(state === 'resolved'
      ? [
          {
            key: 'resolvedAt',
            label: 'Resolved',
            value: (a: Alert) => a.resolvedAt,
            render: (a: Alert) =>
              h('span', { title: fmtTime(a.resolvedAt) }, fmtAgo(a.resolvedAt, Date.now())),
          },
        ]
      : hasChannel
        ? [
            {
              key: 'lastNotifiedAt',
              label: 'Last notified',
              value: (a: Alert) => a.lastNotifiedAt,
              render: (a: Alert) =>
                h('span', { title: fmtTime(a.lastNotifiedAt) }, fmtAgo(a.lastNotifiedAt, Date.now())),
            },
          ]
        : []),
    // a resolved alert has nothing left to silence
    ...(state === 'firing'
      ? [
          {
            key: 'actions',
            label: 'Action',
            sortable: false,
            value: () => null,
            render: (a: Alert) =>
              h(
                'button',
                {
                  type: 'button',
                  'data-key': `silence-${a.id}`,
                  'data-testid': 'silence-alert',
                  'aria-label': `Silence ${RULE_LABEL[a.ruleType] ?? a.ruleType} on ${a.scope.kind} ${a.scope.id}`,
                  onclick: () => silences.prefill(a.scope.kind, a.scope.id),
                },
                'Silence…',
              ),
          },
        ]
      : []),
  ];
  const firing = createTable<Alert>({
    columns: columns('firing'),
    rowKey: (a) => a.id,
    sort: { key: 'firedAt', desc: true },
    testid: 'firing-table',
    cards: true,
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
    cards: true,
    empty: h('p', { class: 'muted' }, 'No resolved alerts yet.'),
  });
  let last: Alert[] = [];
  const draw = () => {
    firing.update(last.filter((a) => a.state === 'firing'));
    resolved.update(last.filter((a) => a.state === 'resolved'));
  };
  const loadContext = () => {
    ctx.api.get<RulesAnswer>('/v1/alert-rules').then(
      (r) => {
        resolveAfter = Object.fromEntries(
          Object.entries(r.rules)
            .filter(([, v]) => typeof v === 'object' && v !== null && 'resolveAfterSeconds' in v)
            .map(([k, v]) => [k, (v as { resolveAfterSeconds: number }).resolveAfterSeconds]),
        );
        draw();
      },
      () => undefined,
    );
    ctx.api.get<{ channels: NotificationChannel[] }>('/v1/notification-channels').then(
      (r) => {
        hasChannel = r.channels.length > 0;
        firing.setColumns(columns('firing'));
        notifyNote.hidden = hasChannel;
        notifyNote.textContent = hasChannel
          ? ''
          : 'No notification channel: firing alerts are shown here only, nobody is notified. Add a channel below.';
        draw();
      },
      () => undefined,
    );
  };
  loadContext();
  const w = ctx.live.watch<{ alerts: Alert[] }>({
    // transitions come over the alert stream (below); this re-read keeps each alert's latest
    // numbers (and so its "clearing" state) current between them
    intervalMs: 20_000,
    load: (signal) => ctx.api.get('/v1/alerts', { limit: 200 }, signal),
    onData: (r) => {
      patch(status);
      last = r.alerts;
      draw();
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
      if (t.kind === 'fire') loadContext();
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
      notifyNote,
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
