/** Messaging CLV from /v1/value: revenue per reached recipient, per conversion, repeat conversion. */
import { CHANNEL_LABEL, CHANNELS } from '../../api/enums.ts';
import type { GlobalControl } from '../../api/experiment-types.ts';
import type { ValueAnswer } from '../../api/types.ts';
import type { PageContext } from '../../context.ts';
import { field, h, lines, patch, select } from '../../ui/dom.ts';
import { fmtCount, fmtPerCurrency, raw } from '../../ui/format.ts';
import { sampleSpan } from '../../ui/rate.ts';
import { errorState } from '../../ui/states.ts';
import { liftBlock } from './lift.ts';

function tile(testid: string, label: string, v: unknown, text: string | HTMLElement, sub = '') {
  return h(
    'div',
    { class: 'tile', 'data-testid': testid },
    h('span', { class: 'tile-label' }, label),
    h('span', { class: 'tile-value', 'data-value': raw(v) }, typeof text === 'string' ? lines(text) : text),
    sub ? h('span', { class: 'tile-sub' }, sub) : null,
  );
}

export function valueSection(ctx: PageContext): HTMLElement {
  let channel = '';
  const status = h('div');
  const tiles = h('div', { class: 'tiles' });
  const lift = h('div');
  const section = h(
    'section',
    { class: 'card', 'aria-labelledby': 'value-title', 'data-testid': 'value' },
    h('h2', { id: 'value-title' }, 'Messaging value (CLV)'),
    h(
      'div',
      { class: 'filters' },
      field(
        'Channel',
        select(
          { 'data-testid': 'value-channel' },
          [['', 'All channels'], ...CHANNELS.map((c): [string, string] => [c, CHANNEL_LABEL[c] ?? c])],
          '',
          (v) => {
            channel = v;
            w.refresh();
          },
        ),
      ),
    ),
    status,
    tiles,
    lift,
  );
  const w = ctx.live.watch<ValueAnswer & { globalControl?: GlobalControl | null }>({
    element: section,
    intervalMs: 60_000, // the Postgres snapshot behind it moves slowly
    load: (signal) => ctx.api.get('/v1/value', { channel: channel || undefined }, signal),
    onData: (v) => {
      patch(status);
      patch(lift, liftBlock(v.globalControl));
      patch(
        tiles,
        tile(
          'value-revenue',
          'Revenue',
          v.revenue,
          fmtPerCurrency(v.revenue),
          `${fmtCount(v.campaigns)} campaigns`,
        ),
        tile(
          'value-per-reached',
          'Per reached recipient',
          v.revenuePerReachedRecipient,
          fmtPerCurrency(v.revenuePerReachedRecipient),
          `${fmtCount(v.reachedRecipients)} reached`,
        ),
        tile(
          'value-per-conversion',
          'Per conversion',
          v.revenuePerConversion,
          fmtPerCurrency(v.revenuePerConversion),
          `${fmtCount(v.conversions)} conversions, ${fmtCount(v.convertedMessages)} messages`,
        ),
        tile(
          'value-per-converter',
          'Per converting recipient',
          v.revenuePerConvertingRecipient,
          fmtPerCurrency(v.revenuePerConvertingRecipient),
          `${fmtCount(v.convertingRecipients)} converting recipients`,
        ),
        tile(
          'value-repeat',
          'Repeat-conversion rate',
          v.repeatConversionRate,
          sampleSpan(v.repeatConversionRate, {
            numerator: v.repeatConverters,
            denominator: v.convertingRecipients,
            of: 'converting recipients',
          }),
          `${fmtCount(v.repeatConverters)} converted twice or more`,
        ),
      );
    },
    onError: (err) => patch(status, errorState(err)),
  });
  return section;
}
