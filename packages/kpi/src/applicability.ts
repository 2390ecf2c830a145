/**
 * Which KPIs a campaign can report (SPEC §5, docs/semantics.md §5a): a rate whose input the
 * channel's providers never send is not 0 %, it is not reported — `null`, with a reason. The one
 * place this rule is written: query-api's answers (KPIs, breakdowns, the list, benchmark, send
 * time) and every screen of the dashboard take it from here.
 *
 * The table (`CHANNEL_REPORTS`), by channel and the providers that carry it (docs/providers.md):
 *
 * | channel  | providers                        | not reported                                      |
 * | -------- | -------------------------------- | ------------------------------------------------- |
 * | sms      | Twilio, Vonage, Infobip SMS      | opens (so click-to-open) — unless a provider      |
 * |          |                                  | reports reads (RCS through Twilio): see below     |
 * |          |                                  | uninstalls (an app event: push only)              |
 * | whatsapp | WhatsApp Cloud, Twilio, Vonage,  | uninstalls                                        |
 * |          | Infobip                          |                                                   |
 * | push     | the app (`POST /v1/events`)      | replies, opt-outs (a notification has neither)    |
 * | in_app   | the app (`POST /v1/events`)      | replies, opt-outs, uninstalls                     |
 *
 * SMS opens depend on the provider, which a campaign does not record: an SMS campaign none of
 * whose messages has an `opened` event over its lifetime cannot say how many were opened; one
 * that does (a provider reporting reads) reports them as usual — in a rolling window or a segment
 * with no open too, where 0 % is then a fact. The other entries hold whatever arrives: the
 * channel has no such event, so a count there is not a rate of its sends.
 */

import type { CountName } from './counts.ts';
import type { RateName } from './rate-names.ts';

/** Rate → why it is not reported. */
export type NotReported = Partial<Record<RateName, string>>;

export const NO_SMS_OPENS = 'SMS providers do not report opens';
export const NO_UNINSTALLS = 'only push reports app uninstalls';
export const NO_REPLIES = 'a notification cannot be replied to';
export const NO_OPT_OUTS = 'notifications are turned off in the app, not reported as opt-outs';

interface Entry {
  reason: string;
  /** Reported after all once the campaign has any `opened` event (a provider reporting reads). */
  unlessOpened?: true;
}

/** Channel → the rates it cannot report. A channel not listed (or unknown) reports every rate. */
export const CHANNEL_REPORTS: Readonly<Record<string, Partial<Record<RateName, Entry>>>> = {
  sms: {
    openRate: { reason: NO_SMS_OPENS, unlessOpened: true },
    clickToOpenRate: { reason: NO_SMS_OPENS, unlessOpened: true },
    uninstallRate: { reason: NO_UNINSTALLS },
  },
  whatsapp: { uninstallRate: { reason: NO_UNINSTALLS } },
  push: { replyRate: { reason: NO_REPLIES }, optOutRate: { reason: NO_OPT_OUTS } },
  in_app: {
    replyRate: { reason: NO_REPLIES },
    optOutRate: { reason: NO_OPT_OUTS },
    uninstallRate: { reason: NO_UNINSTALLS },
  },
};

/**
 * The count each not-reported rate stands for: where the rate is not reported, so is its count
 * (the API still serves the count — what arrived — but a screen shows "not reported", never 0).
 */
export const COUNT_OF_RATE: Partial<Record<RateName, CountName>> = {
  openRate: 'opened',
  replyRate: 'replied',
  optOutRate: 'optOuts',
  uninstallRate: 'uninstalls',
};

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
  const entries =
    r.channel && Object.hasOwn(CHANNEL_REPORTS, r.channel) ? CHANNEL_REPORTS[r.channel] : undefined;
  const out: NotReported = {};
  if (!entries) return out;
  for (const [rate, e] of Object.entries(entries) as [RateName, Entry][]) {
    if (e.unlessOpened && r.opened > 0) continue;
    out[rate] = e.reason;
  }
  return out;
}

/** Why a count is not reported, given an answer's `notReported` (undefined when it is). */
export function countNotReported(count: CountName, nr: NotReported): string | undefined {
  for (const [rate, c] of Object.entries(COUNT_OF_RATE) as [RateName, CountName][])
    if (c === count && nr[rate]) return nr[rate];
  return undefined;
}
