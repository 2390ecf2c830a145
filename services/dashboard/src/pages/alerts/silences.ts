/** Silences: mute one campaign's or sender's notifications for a while; end one early. */
import { ApiError } from '../../api/client.ts';
import type { Silence } from '../../api/types.ts';
import type { PageContext } from '../../context.ts';
import { field, h, patch, select } from '../../ui/dom.ts';
import { fmtTime } from '../../ui/format.ts';
import { empty, errorState } from '../../ui/states.ts';
import { staticTable } from '../../ui/table.ts';

const DURATIONS: [string, string][] = [
  ['3600000', '1 hour'],
  ['14400000', '4 hours'],
  ['86400000', '24 hours'],
  ['604800000', '7 days'],
];

export interface SilencesSection {
  el: HTMLElement;
  /** Prefills the form (the "Silence" button of an alert row) and moves focus to it. */
  prefill(kind: string, id: string): void;
}

export function silencesSection(ctx: PageContext): SilencesSection {
  const list = h('div');
  const message = h('p', { role: 'status', class: 'form-note', 'data-testid': 'silence-message' });
  let kind = 'campaign';
  let duration = '3600000';
  const kindSelect = select(
    { 'data-testid': 'silence-kind' },
    ['campaign', 'sender'],
    kind,
    (v) => (kind = v),
  );
  const id = h('input', { name: 'id', required: true, maxlength: '200', 'data-testid': 'silence-id' });
  const reason = h('input', { name: 'reason', maxlength: '500' });
  const w = ctx.live.watch<{ silences: Silence[] }>({
    element: list,
    intervalMs: 30_000,
    load: (signal) => ctx.api.get('/v1/silences', undefined, signal),
    onData: (r) =>
      patch(
        list,
        r.silences.length === 0
          ? empty('No silences', 'Notifications go out for every alert.')
          : table(r.silences),
      ),
    onError: (err) => patch(list, errorState(err)),
  });
  const load = () => w.refresh();
  const table = (rows: Silence[]) =>
    staticTable({
      label: 'Silences',
      testid: 'silences-table',
      head: ['Scope', 'Starts', 'Ends', 'Reason', ''],
      body: rows.map((s) =>
        h(
          'tr',
          { 'data-row': s.id },
          h('td', {}, `${s.scope.kind} ${s.scope.id}`),
          h('td', {}, fmtTime(s.startsAt)),
          h('td', {}, fmtTime(s.endsAt)),
          h('td', {}, s.reason ?? '—'),
          h('td', {}, h('button', { type: 'button', onclick: () => void end(s) }, 'End now')),
        ),
      ),
    });
  const end = (s: Silence) =>
    ctx.api.send('DELETE', `/v1/silences/${s.id}`).then(
      () => load(),
      (err: unknown) =>
        (message.textContent = err instanceof ApiError ? err.message : 'query-api did not answer'),
    );
  const form = h(
    'form',
    { class: 'inline-form', 'aria-label': 'Add a silence' },
    field('Scope', kindSelect),
    field('Campaign or sender id', id),
    field(
      'For',
      select({}, DURATIONS, duration, (v) => (duration = v)),
    ),
    field('Reason', reason),
    h('button', { type: 'submit' }, 'Silence'),
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const body = {
      scope: { kind, id: id.value },
      endsAt: new Date(Date.now() + Number(duration)).toISOString(),
      ...(reason.value ? { reason: reason.value } : {}),
    };
    ctx.api.send('POST', '/v1/silences', body).then(
      () => {
        form.reset();
        message.textContent = 'Silenced: alerts keep changing state, only their notifications are held back.';
        load();
      },
      (err: unknown) =>
        (message.textContent =
          err instanceof ApiError ? `Not added: ${err.message}` : 'query-api did not answer'),
    );
  });
  return {
    el: h(
      'section',
      { class: 'card', 'aria-labelledby': 'silences-title', 'data-testid': 'silences' },
      h('h2', { id: 'silences-title' }, 'Silences'),
      list,
      form,
      message,
    ),
    prefill(k, value) {
      kind = k;
      kindSelect.value = k;
      id.value = value;
      id.focus();
    },
  };
}
