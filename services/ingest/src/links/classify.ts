/**
 * Who followed a tracked link (SPEC §4.4): a person, or a machine — and why we say so. Pure; it
 * reads only what the request says, and guesses nothing beyond it:
 *
 * | the request                                                  | class | reason          |
 * | ------------------------------------------------------------ | ----- | --------------- |
 * | `HEAD` (a scanner checking the target, a preview probing it) | bot   | `head`          |
 * | `Purpose` / `Sec-Purpose` / `X-Purpose` / `X-Moz` naming a   | bot   | `prefetch`      |
 * |   prefetch or preview (browsers' and apps' speculative loads)|       |                 |
 * | no `User-Agent`, or a blank one                              | bot   | `no_user_agent` |
 * | a user agent the `isbot` list knows (link previews of        | bot   | `known_bot`     |
 * |   iMessage, WhatsApp, Slack, Telegram…, crawlers, scanners)  |       |                 |
 * | anything else                                                | human |                 |
 *
 * The user-agent list is `isbot` (a maintained pattern list of crawlers, link previews and
 * scanners, updated with each release), not a hand-written regex. A request from an agent no list
 * knows, seconds after delivery, stays `human`: docs/semantics.md §3 reports those apart
 * (`clicksWithin10s`) instead of guessing.
 */
import { isbot } from 'isbot';
import type { ClickClass } from '@tally/events';

export const BOT_REASONS = ['head', 'prefetch', 'no_user_agent', 'known_bot'] as const;
export type BotReason = (typeof BOT_REASONS)[number];

export type ClickVerdict =
  { clickClass: 'human' } | { clickClass: Extract<ClickClass, 'bot'>; reason: BotReason };

export interface LinkRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
}

const PREFETCH_HEADERS = ['purpose', 'sec-purpose', 'x-purpose', 'x-moz'] as const;
const PREFETCH = /\b(prefetch|preview|prerender)\b/i;

function header(req: LinkRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

export function classifyClick(req: LinkRequest): ClickVerdict {
  if (req.method.toUpperCase() === 'HEAD') return { clickClass: 'bot', reason: 'head' };
  if (PREFETCH_HEADERS.some((h) => PREFETCH.test(header(req, h) ?? '')))
    return { clickClass: 'bot', reason: 'prefetch' };
  const ua = header(req, 'user-agent')?.trim() ?? '';
  if (ua === '') return { clickClass: 'bot', reason: 'no_user_agent' };
  if (isbot(ua)) return { clickClass: 'bot', reason: 'known_bot' };
  return { clickClass: 'human' };
}
