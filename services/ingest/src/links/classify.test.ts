import { describe, expect, it } from 'vitest';
import { classifyClick, type LinkRequest } from './classify.ts';

const get = (headers: LinkRequest['headers']): LinkRequest => ({ method: 'GET', headers });
const ua = (userAgent: string) => get({ 'user-agent': userAgent });

/** Real user agents of the machines that fetch a link in a message before (or instead of) a person. */
const PREVIEWS_AND_SCANNERS: [string, string][] = [
  [
    'iMessage link preview',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko) Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0',
  ],
  ['WhatsApp (Android) card', 'WhatsApp/2.23.20.0 A'],
  ['WhatsApp (iOS) card', 'WhatsApp/2.21.12.21 i'],
  [
    'Google Messages preview',
    'Mozilla/5.0 (Linux; Android 10; SM-G973F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/81.0.4044.138 Mobile Safari/537.36 Google-PageRenderer Google (+https://developers.google.com/+/web/snippet/)',
  ],
  ['Slack unfurl', 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)'],
  ['Telegram preview', 'TelegramBot (like TwitterBot)'],
  ['Discord embed', 'Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)'],
  ['Skype / Teams preview', 'Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5'],
  ['Facebook crawler', 'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)'],
  ['LinkedIn', 'LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)'],
  ['Twitter card', 'Twitterbot/1.0'],
  ['Googlebot', 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)'],
  [
    'Bing preview',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/116.0.1938.76 Safari/537.36 Edg/116.0.1938.76 BingPreview/1.0b',
  ],
  ['Proofpoint URL Defense', 'Mozilla/5.0 (compatible; proofpoint-urldefense)'],
  [
    'a headless browser',
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36',
  ],
  ['curl', 'curl/8.4.0'],
  ['python-requests', 'python-requests/2.31.0'],
];

/** Real user agents of the browsers a person taps a message's link in. */
const PEOPLE: [string, string][] = [
  [
    'Safari on iPhone',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1',
  ],
  [
    'Chrome on Android',
    'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36',
  ],
  [
    'Samsung Internet',
    'Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36',
  ],
  [
    'Google app on iPhone',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) GSA/292.0.589165541 Mobile/15E148 Safari/604.1',
  ],
  [
    'Instagram in-app browser',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 309.0.0.28.113 (iPhone14,5; iOS 17_1; en_US; en; scale=3.00; 1170x2532; 538365542)',
  ],
  ['Firefox on Windows', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0'],
  [
    'Edge on Windows',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0',
  ],
];

describe('classifyClick', () => {
  it.each(PREVIEWS_AND_SCANNERS)('%s is a bot (known_bot)', (_name, agent) => {
    expect(classifyClick(ua(agent))).toEqual({ clickClass: 'bot', reason: 'known_bot' });
  });

  it.each(PEOPLE)('%s is a person', (_name, agent) => {
    expect(classifyClick(ua(agent))).toEqual({ clickClass: 'human' });
  });

  const iphone = PEOPLE[0]?.[1] ?? '';
  it.each([
    [
      'a HEAD request, even from a phone browser',
      { method: 'HEAD', headers: { 'user-agent': iphone } },
      'head',
    ],
    ['Purpose: prefetch', get({ 'user-agent': iphone, purpose: 'prefetch' }), 'prefetch'],
    ['Sec-Purpose: prefetch', get({ 'user-agent': iphone, 'sec-purpose': 'prefetch' }), 'prefetch'],
    [
      'Sec-Purpose: prefetch;prerender',
      get({ 'user-agent': iphone, 'sec-purpose': 'prefetch;prerender' }),
      'prefetch',
    ],
    ['X-Purpose: preview (Safari)', get({ 'user-agent': iphone, 'x-purpose': 'preview' }), 'prefetch'],
    ['X-Moz: prefetch (Firefox)', get({ 'user-agent': iphone, 'x-moz': 'prefetch' }), 'prefetch'],
    ['no User-Agent', get({}), 'no_user_agent'],
    ['a blank User-Agent', get({ 'user-agent': '   ' }), 'no_user_agent'],
  ] as const)('%s is a bot (%s)', (_name, req, reason) => {
    expect(classifyClick(req)).toEqual({ clickClass: 'bot', reason });
  });

  it('an unknown agent is a person: the request says nothing more', () => {
    const unknownBrowser =
      'Mozilla/5.0 (Linux; Android 14; AcmePhone X1) AppleWebKit/537.36 (KHTML, like Gecko) AcmeBrowser/3.2 Mobile Safari/537.36';
    expect(classifyClick(ua(unknownBrowser))).toEqual({ clickClass: 'human' });
    expect(classifyClick(get({ 'user-agent': iphone, purpose: 'navigate' }))).toEqual({
      clickClass: 'human',
    });
  });
});
