/** Notification channels: list, add (a webhook's signing secret is shown once), remove. */
import { ApiError } from '../../api/client.ts';
import type { NotificationChannel } from '../../api/types.ts';
import type { PageContext } from '../../context.ts';
import { field, h, patch, select } from '../../ui/dom.ts';
import { fmtTime } from '../../ui/format.ts';
import { empty, errorState } from '../../ui/states.ts';
import { staticTable } from '../../ui/table.ts';

const KINDS: [string, string][] = [
  ['webhook', 'Signed webhook'],
  ['slack', 'Slack incoming webhook'],
  ['pagerduty', 'PagerDuty Events v2'],
  ['pause_webhook', 'Pause webhook (auto-pause)'],
];

export function channelsSection(ctx: PageContext): HTMLElement {
  const list = h('div');
  const message = h('p', { role: 'status', class: 'form-note', 'data-testid': 'channel-message' });
  let kind = 'webhook';
  const name = h('input', { name: 'name', required: true, maxlength: '200', 'data-testid': 'channel-name' });
  const url = h('input', {
    name: 'url',
    type: 'url',
    placeholder: 'https://…',
    'data-testid': 'channel-url',
  });
  const secret = h('input', {
    name: 'secret',
    type: 'password',
    autocomplete: 'off',
    minlength: '16',
    'data-testid': 'channel-secret',
  });
  const secretLabel = h('span', { class: 'field-label' }, 'Signing secret (optional: one is generated)');
  const w = ctx.live.watch<{ channels: NotificationChannel[] }>({
    element: list,
    intervalMs: 60_000,
    load: (signal) => ctx.api.get('/v1/notification-channels', undefined, signal),
    onData: (r) =>
      patch(
        list,
        r.channels.length === 0
          ? empty('No channels', 'Alerts still fire and show here; add a channel to be notified.')
          : table(r.channels),
      ),
    onError: (err) => patch(list, errorState(err)),
  });
  const load = () => w.refresh();
  const table = (rows: NotificationChannel[]) =>
    staticTable({
      label: 'Notification channels',
      testid: 'channels-table',
      head: ['Name', 'Kind', 'URL', 'Secret', 'Added', ''],
      body: rows.map((c) =>
        h(
          'tr',
          { 'data-row': c.id },
          h('td', {}, c.name),
          h('td', {}, KINDS.find(([k]) => k === c.kind)?.[1] ?? c.kind),
          h('td', { class: 'url' }, c.url),
          h('td', {}, c.hasSecret ? 'set' : '—'),
          h('td', {}, fmtTime(c.createdAt)),
          h('td', {}, h('button', { type: 'button', class: 'danger', onclick: () => remove(c) }, 'Remove')),
        ),
      ),
    });
  const remove = (c: NotificationChannel) => {
    if (!confirm(`Remove channel “${c.name}”? Its pending deliveries go with it.`)) return;
    ctx.api.send('DELETE', `/v1/notification-channels/${c.id}`).then(
      () => load(),
      (err: unknown) =>
        (message.textContent = err instanceof ApiError ? err.message : 'query-api did not answer'),
    );
  };
  const form = h(
    'form',
    { class: 'inline-form', 'aria-label': 'Add a notification channel' },
    field(
      'Kind',
      select({ 'data-testid': 'channel-kind' }, KINDS, kind, (v) => {
        kind = v;
        secretLabel.textContent =
          v === 'pagerduty'
            ? 'Routing key'
            : v === 'slack'
              ? 'No secret for Slack'
              : 'Signing secret (optional: one is generated)';
        secret.disabled = v === 'slack';
      }),
    ),
    field('Name', name),
    field('URL', url),
    h('label', { class: 'field' }, secretLabel, secret),
    h('button', { type: 'submit' }, 'Add channel'),
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const body: Record<string, string> = { kind, name: name.value };
    if (url.value) body.url = url.value;
    if (kind === 'pagerduty') body.routingKey = secret.value;
    else if (kind !== 'slack' && secret.value) body.secret = secret.value;
    ctx.api
      .send<{ channel: NotificationChannel; signingSecret?: string }>(
        'POST',
        '/v1/notification-channels',
        body,
      )
      .then(
        (r) => {
          form.reset();
          message.textContent = r.signingSecret
            ? `Added. Its signing secret, shown only now: ${r.signingSecret}`
            : 'Added.';
          load();
        },
        (err: unknown) =>
          (message.textContent =
            err instanceof ApiError ? `Not added: ${err.message}` : 'query-api did not answer'),
      );
  });
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'channels-title', 'data-testid': 'channels' },
    h('h2', { id: 'channels-title' }, 'Notification channels'),
    list,
    form,
    message,
  );
}
