/**
 * The campaign reference a provider echoes back (WhatsApp biz_opaque_callback_data, Vonage
 * client-ref, Infobip callbackData): a bare campaign id, or `campaign=…&segment=…&variant=…`.
 */
import { isStorableText } from '@tally/events';

export interface CampaignRef {
  campaignId?: string | undefined;
  segment?: string | undefined;
  variant?: string | undefined;
}

const ID = /^[\x21-\x7e]{1,200}$/;
/** Segment and variant labels: storable text (no control characters, no unpaired surrogates). */
const LABEL = { test: (s: string) => s.length >= 1 && s.length <= 200 && isStorableText(s) };

function pick(v: string | null, re: { test(s: string): boolean }): string | undefined {
  return v !== null && re.test(v) ? v : undefined;
}

export function parseCampaignRef(raw: string | undefined): CampaignRef {
  const s = raw?.trim();
  if (!s) return {};
  if (s.includes('=')) {
    const q = new URLSearchParams(s);
    return refFromParams(q);
  }
  return { campaignId: pick(s, ID) };
}

/** From query parameters `campaign`, `segment`, `variant` (Twilio's status-callback URL). */
export function refFromParams(q: URLSearchParams): CampaignRef {
  const out: CampaignRef = {};
  const c = pick(q.get('campaign'), ID);
  const s = pick(q.get('segment'), LABEL);
  const v = pick(q.get('variant'), LABEL);
  if (c) out.campaignId = c;
  if (s) out.segment = s;
  if (v) out.variant = v;
  return out;
}
