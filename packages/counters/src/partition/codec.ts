/**
 * How records are stored in a partition's hashes: JSON of the record types of state/*. The field
 * already names tenant and id, so a decoder is given them back. One place, so the encoding can be
 * made more compact without touching anything else.
 */
import type { LooseEv } from '../state/count-cluster.ts';
import type { MessageRec } from '../state/message.ts';
import type { RecipientRec } from '../state/recipient.ts';

export const fieldOf = (tenant: string, id: string): string => `${tenant} ${id}`;

export function splitField(field: string): [string, string] {
  const i = field.indexOf(' ');
  return [field.slice(0, i), field.slice(i + 1)];
}

export function encodeRecipient(r: RecipientRec): string {
  const { tn: _tn, r: _r, ...rest } = r;
  return JSON.stringify(rest);
}
export function decodeRecipient(field: string, s: string): RecipientRec {
  const [tn, r] = splitField(field);
  return { ...(JSON.parse(s) as Omit<RecipientRec, 'tn' | 'r'>), tn, r };
}

/** A message record, flagged when it is held without a known recipient (its raw events kept). */
export interface StoredMessage {
  rec: MessageRec;
  /**
   * Held here without a recipient: the canonical events (with their record timestamps), to hand
   * over to the recipient's partition when one is known.
   */
  anon?: [number, string][];
}

export function encodeMessage(m: StoredMessage): string {
  const { tn: _tn, m: _m, ...rest } = m.rec;
  return JSON.stringify(m.anon ? { ...rest, anon: m.anon } : rest);
}
export function decodeMessage(field: string, s: string): StoredMessage {
  const [tn, m] = splitField(field);
  const { anon, ...rest } = JSON.parse(s) as Omit<MessageRec, 'tn' | 'm'> & { anon?: [number, string][] };
  return anon ? { rec: { ...rest, tn, m }, anon } : { rec: { ...rest, tn, m } };
}

/** An event without recipient or message, or a late event kept to deduplicate it. */
export type StoredLoose = { ev: LooseEv; late?: undefined } | { late: { y: string; until: number } };

export function encodeLoose(l: StoredLoose): string {
  if (l.late) return JSON.stringify({ late: l.late });
  const { tn: _tn, h: _h, ...rest } = l.ev;
  return JSON.stringify(rest);
}
export function decodeLoose(field: string, s: string): StoredLoose {
  const [tn, h] = splitField(field);
  const o = JSON.parse(s) as { late?: { y: string; until: number } } & Omit<LooseEv, 'tn' | 'h'>;
  if (o.late) return { late: o.late };
  return { ev: { ...o, tn, h } };
}
