/**
 * Semantics §4a for one campaign: the experiment figures — per arm (variant of the send tuple,
 * `u` for sent messages without one, `h` for the held-out recipients) the opt-outs, revenue and
 * the squares of each unit's revenue, the held-out recipients, their conversions and the
 * conflicts — in the served hash's spelling ("<arm>\0<figure>"), zeros omitted.
 */
import { toMoneyUnits } from '@tally/kpi';
import type { Ev } from './accept.ts';
import { bitsOf } from './message-figures.ts';
import type { MessageView } from './message-figures.ts';

export interface ExperimentInputs {
  /** The campaign's messages with their attached events. */
  views: MessageView[];
  /** The accepted held_out events naming the campaign, and whether their (recipient, campaign) is void. */
  holds: { e: Ev; void: boolean }[];
  /** Conversions attributed to the campaign's control arm. */
  control: Ev[];
}

const SEP = '\0';

function add(out: Record<string, number>, field: string, n: number | bigint): void {
  const v = BigInt(out[field] ?? 0) + BigInt(n);
  out[field] = Number(v);
}

/** Revenue per currency of a unit's conversions (units), and its figures under `arm`. */
function unitRevenue(out: Record<string, bigint>, arm: string, conversions: readonly Ev[]): void {
  const byCur = new Map<string, bigint>();
  for (const e of conversions) {
    if (e.type !== 'converted' || e.value === undefined) continue;
    byCur.set(e.value.currency, (byCur.get(e.value.currency) ?? 0n) + BigInt(toMoneyUnits(e.value.amount)));
  }
  for (const [cur, u] of byCur) {
    out[`${arm}${SEP}revenue:${cur}`] = (out[`${arm}${SEP}revenue:${cur}`] ?? 0n) + u;
    out[`${arm}${SEP}revenueSq:${cur}`] = (out[`${arm}${SEP}revenueSq:${cur}`] ?? 0n) + u * u;
  }
}

function armOf(v: MessageView): string {
  const tuple = v.message.tuple;
  // the tuple is channel\0segment\0variant\0…
  return tuple === undefined ? 'u' : `v:${tuple.split(SEP)[2] ?? ''}`;
}

export function buildExperiment(inp: ExperimentInputs): Record<string, number> {
  const ints: Record<string, number> = {};
  const money: Record<string, bigint> = {};
  for (const v of inp.views) {
    if (!bitsOf(v).has('S')) continue;
    const arm = armOf(v);
    const events = [...v.message.own, ...v.attached];
    if (events.some((e) => e.type === 'opted_out')) add(ints, `${arm}${SEP}optedOut`, 1);
    unitRevenue(money, arm, events);
  }
  const status = new Map<string, boolean>();
  for (const { e, void: isVoid } of inp.holds) status.set(e.recipientId ?? '', isVoid);
  for (const isVoid of status.values()) add(ints, `h${SEP}${isVoid ? 'conflicts' : 'heldOut'}`, 1);
  const byRecipient = new Map<string, Ev[]>();
  for (const e of inp.control)
    byRecipient.set(e.recipientId ?? '', [...(byRecipient.get(e.recipientId ?? '') ?? []), e]);
  for (const list of byRecipient.values()) {
    add(ints, `h${SEP}converted`, 1);
    add(ints, `h${SEP}conversions`, list.length);
    unitRevenue(money, 'h', list);
  }
  const out: Record<string, number> = { ...ints };
  for (const [k, v] of Object.entries(money)) out[k] = Number(v);
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== 0));
}
