/** View and edit the tenant's alert rules (GET/PUT /v1/alert-rules). Fractions are edited as %. */
import { ApiError } from '../../api/client.ts';
import type { AlertRules, RulesAnswer } from '../../api/types.ts';
import type { PageContext } from '../../context.ts';
import { h, patch } from '../../ui/dom.ts';
import { fmtTime } from '../../ui/format.ts';
import { errorState, loading } from '../../ui/states.ts';
import { RULE_LABEL } from './describe.ts';

type Kind = 'bool' | 'int' | 'number' | 'percent' | 'scopes';
type RuleName = 'optOutSpike' | 'deliveryDrop' | 'failureSpike';
const COMMON: [string, string, Kind][] = [
  ['enabled', 'Enabled', 'bool'],
  ['scopes', 'Watch', 'scopes'],
  ['windowMinutes', 'Window (minutes)', 'int'],
  ['resolveAfterSeconds', 'Resolve after clear for (s)', 'number'],
  ['autoPause', 'Auto-pause (call pause webhooks)', 'bool'],
];
const FIELDS: Record<RuleName, [string, string, Kind][]> = {
  optOutSpike: [
    ...COMMON,
    ['minDelivered', 'Min delivered in window', 'int'],
    ['minOptOuts', 'Min opt-outs in window', 'int'],
    ['absolute', 'Absolute threshold', 'bool'],
    ['threshold', 'Threshold (Wilson lower bound, %)', 'percent'],
    ['baseline', 'Compare with baseline', 'bool'],
    ['baselineMultiplier', 'Baseline multiplier', 'number'],
  ],
  deliveryDrop: [
    ...COMMON,
    ['minSent', 'Min sent in window', 'int'],
    ['floor', 'Delivery-rate floor (%)', 'percent'],
    ['receiptGraceMinutes', 'Receipt grace (minutes)', 'int'],
  ],
  failureSpike: [
    ...COMMON,
    ['minSent', 'Min sent in window', 'int'],
    ['threshold', 'Failure share of one error code (%)', 'percent'],
  ],
};

function input(rule: string, key: string, kind: Kind, value: unknown): HTMLElement {
  const name = `${rule}.${key}`;
  if (kind === 'bool')
    return h('input', { type: 'checkbox', name, checked: value === true, 'data-testid': `rule-${name}` });
  if (kind === 'scopes') {
    const scopes = Array.isArray(value) ? (value as string[]) : [];
    return h(
      'span',
      { class: 'checks' },
      ['campaign', 'sender'].map((s) =>
        h(
          'label',
          {},
          h('input', { type: 'checkbox', name, value: s, checked: scopes.includes(s) }),
          ` ${s}`,
        ),
      ),
    );
  }
  const v = kind === 'percent' ? Number(value) * 100 : Number(value);
  return h('input', {
    type: 'number',
    name,
    step: kind === 'int' ? '1' : 'any',
    min: '0',
    value: String(Number(v.toPrecision(12))),
    'data-testid': `rule-${name}`,
  });
}

function readForm(form: HTMLFormElement): AlertRules {
  const out: Record<string, Record<string, unknown> | number> = {};
  for (const rule of Object.keys(FIELDS) as RuleName[]) {
    const r: Record<string, unknown> = {};
    for (const [key, , kind] of FIELDS[rule]) {
      const els = form.querySelectorAll<HTMLInputElement>(`[name="${rule}.${key}"]`);
      if (kind === 'scopes') r[key] = [...els].filter((e) => e.checked).map((e) => e.value);
      else if (kind === 'bool') r[key] = els[0]?.checked ?? false;
      else r[key] = kind === 'percent' ? Number(els[0]?.value) / 100 : Number(els[0]?.value);
    }
    out[rule] = r;
  }
  const renotify = form.querySelector<HTMLInputElement>('[name="renotifyAfterSeconds"]');
  out.renotifyAfterSeconds = Number(renotify?.value);
  return out as unknown as AlertRules;
}

export function rulesSection(ctx: PageContext): HTMLElement {
  const body = h('div', {}, loading('alert rules'));
  const section = h(
    'section',
    { class: 'card', 'aria-labelledby': 'rules-title', 'data-testid': 'rules' },
    h('h2', { id: 'rules-title' }, 'Rules'),
    body,
  );
  const render = (a: RulesAnswer, note = '') => {
    const message = h('p', { role: 'status', class: 'form-note', 'data-testid': 'rules-message' }, note);
    const form = h(
      'form',
      { class: 'rules-form' },
      h(
        'p',
        { class: 'muted' },
        a.isDefault ? 'This tenant uses the default rules.' : `Saved ${fmtTime(a.updatedAt)}.`,
      ),
      (Object.keys(FIELDS) as RuleName[]).map((rule) =>
        h(
          'fieldset',
          {},
          h('legend', {}, RULE_LABEL[rule] ?? rule),
          FIELDS[rule].map(([key, label, kind]) =>
            h(
              'label',
              { class: 'field' },
              h('span', { class: 'field-label' }, label),
              input(rule, key, kind, (a.rules[rule] as unknown as Record<string, unknown>)[key]),
            ),
          ),
        ),
      ),
      h(
        'label',
        { class: 'field' },
        h('span', { class: 'field-label' }, 'Re-notify while firing every (s)'),
        h('input', {
          type: 'number',
          name: 'renotifyAfterSeconds',
          min: '60',
          value: String(a.rules.renotifyAfterSeconds),
        }),
      ),
      h('button', { type: 'submit', class: 'primary', 'data-testid': 'save-rules' }, 'Save rules'),
      message,
    );
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      ctx.api.send<RulesAnswer>('PUT', '/v1/alert-rules', readForm(form)).then(
        (saved) => render(saved, 'Saved.'),
        (err: unknown) => {
          message.textContent =
            err instanceof ApiError ? `Not saved: ${err.message}` : 'Not saved: query-api did not answer.';
        },
      );
    });
    patch(body, form);
  };
  ctx.api.get<RulesAnswer>('/v1/alert-rules').then(
    (a) => render(a),
    (err: unknown) => patch(body, errorState(err)),
  );
  return section;
}
