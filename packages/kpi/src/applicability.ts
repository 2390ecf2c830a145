/**
 * Which rates a campaign can report (SPEC §5, docs/semantics.md §5a): a rate whose input the
 * channel's providers never send is not 0 %, it is not reported — `null`, with a reason. The one
 * place this rule is written (query-api's answers and the dashboard take it from here); it is
 * meant to grow into the table of what each channel and provider can report.
 *
 * Today's rule: no SMS provider Tally reads reports opens (Twilio, Vonage and Infobip SMS receipts
 * carry delivery only), so an SMS campaign none of whose messages has an `opened` event cannot
 * say how many were opened: `openRate` and `clickToOpenRate` are not reported. One that does
 * have opens (a provider reporting reads, e.g. RCS through Twilio) reports them as usual.
 */
import type { Counts } from './counts.ts';

export const RATE_NAMES = [
  'deliveryRate',
  'openRate',
  'ctr',
  'clickToOpenRate',
  'conversionRate',
  'optOutRate',
  'replyRate',
  'uninstallRate',
] as const;
export type RateName = (typeof RATE_NAMES)[number];

/** Rate → why it is not reported. */
export type NotReported = Partial<Record<RateName, string>>;

export const NO_SMS_OPENS = 'SMS providers do not report opens';

/**
 * The rates `channel` cannot report for these counts, each with its reason (empty when all can).
 * `channel` is the campaign's (of its earliest event), a breakdown group's or a send filter's;
 * null or unknown channels report everything.
 */
export function notReported(channel: string | null | undefined, counts: Pick<Counts, 'opened'>): NotReported {
  if (channel === 'sms' && counts.opened === 0)
    return { openRate: NO_SMS_OPENS, clickToOpenRate: NO_SMS_OPENS };
  return {};
}
