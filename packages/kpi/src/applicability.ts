/**
 * Which rates a campaign can report (SPEC §5, docs/semantics.md §5a): a rate whose input the
 * channel's providers never send is not 0 %, it is not reported — `null`, with a reason. The one
 * place this rule is written (query-api's answers and the dashboard take it from here); it is
 * meant to grow into the table of what each channel and provider can report.
 *
 * Today's rule: no SMS provider Tally reads reports opens (Twilio, Vonage and Infobip SMS receipts
 * carry delivery only), so an SMS campaign none of whose messages has an `opened` event cannot
 * say how many were opened: `openRate` and `clickToOpenRate` are not reported. One that does
 * have opens (a provider reporting reads, e.g. RCS through Twilio) reports them as usual — in a
 * rolling window or a segment with no open too, where 0 % is then a fact.
 */

import type { RateName } from './rate-names.ts';

/** Rate → why it is not reported. */
export type NotReported = Partial<Record<RateName, string>>;

export const NO_SMS_OPENS = 'SMS providers do not report opens';

/**
 * What decides which rates some sends can report: their channel (the campaign's, of its earliest
 * event; a breakdown group's by channel; a send filter's; null when unknown) and the opened
 * messages of their campaign over its lifetime (of the campaign's sends on that channel, for a
 * breakdown group by channel) — not of a window or a segment, where no open can be a real 0 %.
 */
export interface Reporting {
  channel: string | null | undefined;
  opened: number;
}

/** The rates these sends cannot report, each with its reason (empty when all can). */
export function notReported(r: Reporting): NotReported {
  if (r.channel === 'sms' && r.opened === 0) return { openRate: NO_SMS_OPENS, clickToOpenRate: NO_SMS_OPENS };
  return {};
}
