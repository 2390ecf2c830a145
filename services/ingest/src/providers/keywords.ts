/**
 * Inbound message bodies → consent intent. Twilio's default keyword lists (providers.md): the whole
 * body, one keyword, case-insensitive, surrounding whitespace and punctuation ignored; plus the
 * two-word revocations the FCC lists ("opt out", "stop all").
 */
export type Intent = 'opt_out' | 'opt_in' | 'help' | 'other';

const OPT_OUT = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT']);
const OPT_IN = new Set(['START', 'YES', 'UNSTOP']);
const HELP = new Set(['HELP', 'INFO']);

export function normalizeKeyword(body: string): string {
  return body
    .trim()
    .replace(/^[\s\p{P}\p{S}]+|[\s\p{P}\p{S}]+$/gu, '')
    .replace(/[\s-]+/g, ' ')
    .toUpperCase();
}

export function classifyBody(body: string | undefined): Intent {
  if (body === undefined) return 'other';
  const k = normalizeKeyword(body);
  const joined = k.replace(/ /g, '');
  if (OPT_OUT.has(k) || (k.includes(' ') && (joined === 'OPTOUT' || joined === 'STOPALL'))) return 'opt_out';
  if (OPT_IN.has(k)) return 'opt_in';
  if (HELP.has(k)) return 'help';
  return 'other';
}
