/**
 * Arbitraries for the query-api fuzz suite. Each request is a valid one for its route (so it gets
 * past validation to the handlers and the stores) with, two times in three, exactly one parameter,
 * path id or body field replaced by something bad (control characters, unpaired surrogates, huge or
 * malformed strings, numbers and times out of range, prototype keys, any JSON) or removed; now and
 * then plain noise instead (any JSON body, bytes that are not JSON, nesting past any stack). Headers:
 * a valid key, an invalid key, none or a malformed one; content types right and wrong.
 */
import fc from 'fast-check';

export interface FuzzRequest {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  url: string;
  auth: 'valid' | 'invalid' | 'none' | 'malformed';
  /** The Authorization header of a 'malformed' request. */
  malformed?: string;
  headers: Record<string, string>;
  payload?: string;
}

// prettier-ignore
const ADVERSARIAL = [
  '', ' ', '\u0000', 'a\u0000b', '\ud800', '\udfff\ud800', '\u202e', '\u0085', '\ufeff', '%', '%zz', '%00',
  '..', '../../etc/passwd', '__proto__', 'constructor', 'prototype', 'null', 'undefined', 'NaN',
  'Infinity', '-Infinity', '-1', '0', '1e309', '1.5', '0x10', '99999999999999999999999', '-0', 'true',
  '[]', '{}', '1900-01-01T00:00:00Z', '0001-01-01T00:00:00Z', '9999-12-31T23:59:59Z',
  '+275760-09-13T00:00:00Z', '2026-02-30T00:00:00Z', '2026-01-01', '2026-01-01T00:00:00', '例え', '😀',
  'x'.repeat(201), 'x'.repeat(3000), "'; DROP TABLE tenants; --", '<script>',
];
/** Characters storage refuses or mangles: C0, DEL, C1, lone surrogates. */
// prettier-ignore
const POISON = ['\u0000', '\u0000', '\u0000', '\u0001', '\u0009', '\u000a', '\u001f', '\u007f', '\u0085', '\u009f', '\ud800', '\udfff'];

const adversarial = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...ADVERSARIAL) },
  {
    weight: 3, // a plausible value with one poison character in it
    arbitrary: fc
      .tuple(fc.string({ maxLength: 8 }), fc.constantFrom(...POISON), fc.string({ maxLength: 8 }))
      .map((p) => p.join('')),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ minLength: 150, maxLength: 3000 }) },
);
const base64url = (s: string) => Buffer.from(s).toString('base64url');
/** What replaces a field: a bad string, any JSON, a cursor of arbitrary content, a far time. */
const bad: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: adversarial },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.constantFrom(1e308, -1, 0, 2 ** 53 + 1, 0.5, -0.5, 86_401, 7 * 86_400 + 1) },
  { weight: 1, arbitrary: fc.jsonValue().map((v) => base64url(JSON.stringify(v))) },
  {
    weight: 1,
    arbitrary: fc
      .date({ min: new Date('0001-01-01'), max: new Date('9999-12-31'), noInvalidDate: true })
      .map((d) => d.toISOString()),
  },
);

const NOW = Date.now();
const DAY = 86_400_000;
/** An instant within `days` of now. */
const around = (days: number) =>
  fc.integer({ min: -days * DAY, max: days * DAY }).map((ms) => new Date(NOW + ms).toISOString());
const str = (n: number) => fc.integer({ min: 1, max: n }).map(String);
const CHANNELS = ['sms', 'whatsapp', 'push', 'in_app'] as const;
const channel = fc.constantFrom(...CHANNELS);

type Obj = Record<string, unknown>;

/** A deep copy of `obj` with `value` at the dotted `path` (undefined removes it). */
function setAt(obj: Obj, path: string, value: unknown): Obj {
  const [head = '', ...rest] = path.split('.');
  const copy: Obj = { ...obj };
  if (rest.length === 0) {
    if (value === undefined) delete copy[head];
    else copy[head] = value;
  } else {
    const inner = copy[head];
    copy[head] = setAt(
      typeof inner === 'object' && inner !== null ? (inner as Obj) : {},
      rest.join('.'),
      value,
    );
  }
  return copy;
}

/** A valid object, unchanged one time in three, else with one of `paths` set to `bad` or removed. */
function mutated(valid: fc.Arbitrary<Obj>, paths: string[]): fc.Arbitrary<Obj> {
  const change = fc.tuple(fc.constantFrom(...paths), fc.option(bad, { nil: undefined, freq: 5 }));
  return fc
    .tuple(valid, fc.option(change, { nil: undefined, freq: 3 }))
    .map(([v, c]) => (c ? setAt(v, c[0], c[1]) : v));
}

/** Percent-encoding of the UTF-8 a client would send (an unpaired surrogate becomes U+FFFD). */
const uriEncode = (s: string) => encodeURIComponent(Buffer.from(s, 'utf8').toString('utf8'));
const asText = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/** A query string from parameters (a parameter whose value is an array is repeated), maybe raw. */
function queryString(params: Obj, raw: boolean): string {
  const enc = (s: string) => (raw ? s.replace(/[^\x21-\x7e]|[#?&=+]/g, uriEncode) : uriEncode(s));
  const pairs = Object.entries(params).flatMap(([k, v]) =>
    v === undefined ? [] : Array.isArray(v) && v.length > 0 ? v.map((x) => [k, asText(x)]) : [[k, asText(v)]],
  );
  return pairs.length === 0 ? '' : `?${pairs.map(([k = '', v = '']) => `${enc(k)}=${enc(v)}`).join('&')}`;
}

/** Valid parameters (each optional one present half the time), then one mutation, maybe an unknown. */
function query(valid: Record<string, fc.Arbitrary<unknown>>, required: string[] = []): fc.Arbitrary<string> {
  const params = fc.record(valid, { requiredKeys: required }) as fc.Arbitrary<Obj>;
  const stranger = fc.option(fc.tuple(adversarial, adversarial), { nil: undefined, freq: 5 });
  return fc
    .tuple(mutated(params, [...Object.keys(valid), 'unknownParam']), stranger, fc.boolean())
    .map(([p, extra, raw]) => queryString(extra ? { ...p, [extra[0]]: extra[1] } : p, raw));
}

/** An id in a path: mostly one the tenant has or not, else bad; percent-encoded, or raw when printable. */
const pathId = (valid: fc.Arbitrary<string>) =>
  fc
    .tuple(fc.oneof({ weight: 3, arbitrary: valid }, { weight: 1, arbitrary: bad.map(asText) }), fc.boolean())
    .map(([s, raw]) => (raw && /^[\x21-\x7e]+$/.test(s) ? s : uriEncode(s)));

const fraction = fc.double({ min: 0, max: 1, noNaN: true });
const rule = fc.record(
  {
    enabled: fc.boolean(),
    scopes: fc.uniqueArray(fc.constantFrom('campaign', 'sender'), { minLength: 1 }),
    windowMinutes: fc.integer({ min: 1, max: 1440 }),
    resolveAfterSeconds: fc.integer({ min: 0, max: 86_400 }),
    autoPause: fc.boolean(),
    threshold: fraction,
    floor: fraction,
    minSent: fc.nat(),
    minDelivered: fc.nat(),
    minOptOuts: fc.nat(),
    baselineMultiplier: fc.double({ min: 0.01, max: 1000, noNaN: true }),
    receiptGraceMinutes: fc.integer({ min: 0, max: 30 }),
  },
  { requiredKeys: [] },
);
const RULE_FIELDS = [
  'enabled',
  'scopes',
  'windowMinutes',
  'threshold',
  'floor',
  'minSent',
  'baselineMultiplier',
];
const rulesBody = mutated(
  fc.record(
    {
      optOutSpike: rule,
      deliveryDrop: rule,
      failureSpike: rule,
      renotifyAfterSeconds: fc.integer({ min: 60, max: 7 * 86_400 }),
    },
    { requiredKeys: [] },
  ),
  [
    'renotifyAfterSeconds',
    'optOutSpike',
    ...RULE_FIELDS.map((f) => `optOutSpike.${f}`),
    'deliveryDrop.floor',
  ],
);
const channelBody = mutated(
  fc.oneof(
    fc.record({
      kind: fc.constantFrom('webhook', 'pause_webhook'),
      name: fc.string({ minLength: 1, maxLength: 20 }),
      url: fc.constantFrom('http://127.0.0.1:9/hook', 'https://hooks.example.com/x?y=1'),
      secret: fc.string({ minLength: 16, maxLength: 40 }),
    }),
    fc.record({ kind: fc.constant('slack'), name: fc.constant('ops'), url: fc.webUrl() }),
    fc.record({
      kind: fc.constant('pagerduty'),
      name: fc.constant('pd'),
      routingKey: fc.constant('R0123456789'),
    }),
  ),
  ['kind', 'name', 'url', 'secret', 'routingKey'],
);
const silenceBody = mutated(
  fc.record(
    {
      scope: fc.record({
        kind: fc.constantFrom('campaign', 'sender'),
        id: fc.constantFrom('k1', 'k2', '+15550100'),
      }),
      startsAt: around(1),
      endsAt: fc.integer({ min: 2 * DAY, max: 30 * DAY }).map((ms) => new Date(NOW + ms).toISOString()),
      reason: fc.string({ maxLength: 40 }),
    },
    { requiredKeys: ['scope', 'endsAt'] },
  ),
  ['scope', 'scope.kind', 'scope.id', 'startsAt', 'endsAt', 'reason'],
);

const settingsBody = mutated(
  fc.record(
    {
      level: fc.constantFrom(0.9, 0.95, 0.99),
      globalControl: fc.record({ share: fc.constantFrom(0, 0.05, 0.1) }),
    },
    { requiredKeys: [] },
  ),
  ['level', 'globalControl', 'globalControl.share'],
);

/** A body as sent: JSON of the value, or any JSON, or bytes that are not JSON, or deep nesting. */
const payload = (body: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { weight: 16, arbitrary: body.map((b) => JSON.stringify(b) ?? 'null') },
    { weight: 1, arbitrary: fc.json() },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
    { weight: 1, arbitrary: fc.constantFrom('['.repeat(30_000), '{"a":'.repeat(10_000), '', '{', 'nul') },
  );

type Route = [FuzzRequest['method'], fc.Arbitrary<string>, fc.Arbitrary<string>?];
const get = (path: fc.Arbitrary<string>, q: fc.Arbitrary<string> = fc.constant('')): Route => [
  'GET',
  fc.tuple(path, q).map(([p, s]) => p + s),
];
const at = (s: string) => fc.constant(s);
const campaign = (rest: string) =>
  pathId(fc.constantFrom('k1', 'k2', 'nope')).map((i) => `/v1/campaigns/${i}${rest}`);
const uuid = pathId(fc.uuid());
const SORTS = ['sent', '-sent', 'ctr', '-deliveryRate', 'firstEventAt', '-campaignId'];
const timeseries = fc.tuple(around(3), fc.integer({ min: 0, max: 3000 })).chain(([from, minutes]) =>
  query(
    {
      metric: fc.constantFrom('sent', 'delivered', 'clicked', 'converted'),
      bucket: fc.constantFrom('1m', '1h'),
      from: fc.constant(from),
      to: fc.constant(new Date(Date.parse(from) + minutes * 60_000).toISOString()),
    },
    ['metric'],
  ),
);

/** The figure stream with a valid key only with ids it refuses (over 50, one maybe poisoned): a 400, never a stream. */
const refusedStreamIds = fc
  .tuple(fc.integer({ min: 51, max: 70 }), fc.option(adversarial, { nil: undefined }), fc.boolean())
  .map(([n, x, raw]) =>
    queryString(
      { ids: [...Array.from({ length: n }, (_, i) => `c${i}`), ...(x === undefined ? [] : [x])].join(',') },
      raw,
    ),
  );

// prettier-ignore
const ROUTES: Route[] = [
  get(at('/v1/campaigns/stream'), refusedStreamIds),
  get(at('/v1/campaigns'), query({ channel, from: around(30), to: around(30), sort: fc.constantFrom(...SORTS), limit: str(100), cursor: fc.constant('eyJzIjoic2VudCIsInYiOjAsImlkIjoiazEifQ') })),
  get(campaign('/kpis'), query({ window: fc.constantFrom('all', '5m', '15m', '1h', '24h'), channel, segment: fc.string({ minLength: 1, maxLength: 20 }), variant: fc.constantFrom('A', 'B') })),
  get(campaign('/breakdown'), query({ by: fc.constantFrom('channel', 'segment', 'variant', 'sender', 'country', 'hour_of_day', 'day_of_week', 'error_code', 'failure_class', 'carrier') }, ['by'])),
  get(campaign('/timeseries'), timeseries),
  get(campaign('/benchmark'), query({ previous: str(50) })),
  get(campaign('/experiment'), query({ metric: fc.constantFrom('ctr', 'conversionRate', 'optOutRate', 'revenuePerDelivered', 'revenuePerRecipient'), level: fc.constantFrom('0.9', '0.95', '0.99'), control: fc.constantFrom('A', 'B'), effect: fc.constantFrom('0.05', '0.2') })),
  get(at('/v1/experiment-settings')),
  ['PUT', at('/v1/experiment-settings'), payload(settingsBody)],
  get(at('/v1/audience/silent-disengagement'), query({ days: str(90), minMessages: str(20), channel, limit: str(100), cursor: fc.constant(base64url('r1')) })),
  get(at('/v1/audience/frequency'), query({ days: fc.constantFrom('7', '30') })),
  get(at('/v1/deliverability'), query({ days: fc.constantFrom('1', '7', '90', '0', '91'), channel, provider: fc.constantFrom('twilio', 'vonage', 'acme'), minSent: fc.constantFrom('1', '100', '-1') })),
  get(at('/v1/hygiene'), query({ days: fc.constantFrom('1', '30', '91'), unreachableRepeat: fc.constantFrom('1', '3', '0'), limit: fc.constantFrom('1', '1000', '1001'), cursor: fc.constantFrom('0', '5', 'x') })),
  get(at('/v1/hygiene.csv'), query({ days: fc.constantFrom('1', '30', '91'), unreachableRepeat: fc.constantFrom('3', '101') })),
  get(at('/v1/send-time'), query({ channel, metric: fc.constantFrom('ctr', 'conversionRate', 'replyRate', 'openRate'), campaignId: fc.constantFrom('k1', 'nope') })),
  get(at('/v1/value'), query({ channel })),
  get(at('/v1/alerts'), query({ state: fc.constantFrom('firing', 'resolved'), limit: str(500) })),
  get(at('/v1/alert-rules')),
  ['PUT', at('/v1/alert-rules'), payload(rulesBody)],
  get(at('/v1/notification-channels')),
  ['POST', at('/v1/notification-channels'), payload(channelBody)],
  ['DELETE', uuid.map((u) => `/v1/notification-channels/${u}`)],
  get(at('/v1/silences')),
  ['POST', at('/v1/silences'), payload(silenceBody)],
  ['DELETE', uuid.map((u) => `/v1/silences/${u}`)],
  get(fc.constantFrom('/healthz', '/readyz', '/metrics', '/docs/json', '/nowhere', '/v1', '/v1/campaigns/'), query({ x: adversarial })),
];

// prettier-ignore
const CONTENT_TYPES = ['application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', ''];
const headerValue = fc
  .string({ unit: 'binary-ascii', maxLength: 60 })
  .map((s) => s.replace(/[^\x20-\x7e]/g, ''));

/** Authorization headers that are not a bearer key, or barely. */
const malformedAuth = fc.oneof(
  fc.constantFrom('Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', 'bearer\ttly_x', 'Bearer a b', 'Token tly_x'),
  fc.constantFrom(`Bearer ${'x'.repeat(8000)}`, `Bearer tly_${'A'.repeat(43)}`),
  headerValue.map((v) => `Bearer ${v}`),
);

export const fuzzRequest: fc.Arbitrary<FuzzRequest> = fc
  .tuple(
    // the routes with bodies have the most to get wrong: three times as often
    fc.constantFrom(...ROUTES.flatMap((r, i) => (r[2] ? [i, i, i] : [i]))),
    fc.constantFrom<FuzzRequest['auth']>('valid', 'valid', 'valid', 'invalid', 'none', 'malformed'),
    fc.oneof(
      { weight: 10, arbitrary: fc.constant('application/json') },
      { weight: 1, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
    ),
    fc.dictionary(fc.stringMatching(/^x-[a-z]{1,10}$/), headerValue, { maxKeys: 2 }),
  )
  .chain(([i, auth, contentType, extra]) => {
    const [method, url, body] = ROUTES[i] as Route;
    return fc.tuple(url, body ?? fc.constant(undefined), malformedAuth).map(([u, p, m]) => ({
      method,
      url: u,
      auth,
      ...(auth === 'malformed' ? { malformed: m } : {}),
      headers: { ...extra, ...(p !== undefined && contentType ? { 'content-type': contentType } : {}) },
      ...(p !== undefined ? { payload: p } : {}),
    }));
  });

/** The streams without a valid key: with one they stay open, which inject cannot end. */
export const fuzzStreamRequest: fc.Arbitrary<FuzzRequest> = fc
  .tuple(
    fc.constantFrom<FuzzRequest['auth']>('invalid', 'none', 'malformed'),
    fc.constantFrom('/v1/alerts/stream', '/v1/campaigns/stream'),
    query({ ids: fc.constantFrom('k1', 'k1,k2', 'nope'), x: adversarial }),
  )
  .map(([auth, path, q]) => ({ method: 'GET', url: `${path}${q}`, auth, headers: {} }));
