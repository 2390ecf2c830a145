/**
 * Message frequency vs response (SPEC §6 /v1/audience/frequency): recipients grouped by how many
 * messages they got in a period (1, 2, 3, 4–5, 6–10, 11+), with the share of each group that opted
 * out, clicked, replied or engaged (opened, clicked or replied). Pure; a group without recipients
 * has null rates.
 */
import { ratio } from './rates.ts';

export const FREQUENCY_BUCKETS = ['1', '2', '3', '4-5', '6-10', '11+'] as const;
export type FrequencyBucket = (typeof FREQUENCY_BUCKETS)[number];

/** The bucket of a message count, or null for 0 (not reached). */
export function frequencyBucket(messages: number): FrequencyBucket | null {
  if (!Number.isFinite(messages) || messages < 1) return null;
  if (messages <= 3) return String(Math.floor(messages)) as FrequencyBucket;
  if (messages <= 5) return '4-5';
  if (messages <= 10) return '6-10';
  return '11+';
}

export interface FrequencyInput {
  messages: number;
  recipients: number;
  optOuts: number;
  clickers: number;
  repliers: number;
  engaged: number;
}

export interface FrequencyRow {
  bucket: FrequencyBucket;
  recipients: number;
  optOuts: number;
  optOutRate: number | null;
  clickers: number;
  clickRate: number | null;
  repliers: number;
  replyRate: number | null;
  engaged: number;
  engagementRate: number | null;
}

const EMPTY = { recipients: 0, optOuts: 0, clickers: 0, repliers: 0, engaged: 0 } as const;

export function frequencyTable(rows: readonly FrequencyInput[]): FrequencyRow[] {
  const sums = new Map<FrequencyBucket, Omit<FrequencyInput, 'messages'>>();
  for (const r of rows) {
    const b = frequencyBucket(r.messages);
    if (!b) continue;
    const s = sums.get(b) ?? { ...EMPTY };
    sums.set(b, {
      recipients: s.recipients + r.recipients,
      optOuts: s.optOuts + r.optOuts,
      clickers: s.clickers + r.clickers,
      repliers: s.repliers + r.repliers,
      engaged: s.engaged + r.engaged,
    });
  }
  return FREQUENCY_BUCKETS.map((bucket) => {
    const s = sums.get(bucket) ?? EMPTY;
    return {
      bucket,
      ...s,
      optOutRate: ratio(s.optOuts, s.recipients),
      clickRate: ratio(s.clickers, s.recipients),
      replyRate: ratio(s.repliers, s.recipients),
      engagementRate: ratio(s.engaged, s.recipients),
    };
  });
}
