/**
 * Why a notification did not go through, and whose problem it is (pure).
 *
 * remote — the receiver was reached, or failed once reached: it counts as an attempt, and the
 *   delivery is retried with backoff until ALERT_DELIVERY_MAX_ATTEMPTS.
 * local  — this replica could not reach the receiver at all (its resolver, its network, its
 *   policy, its key): the claim is given back without spending an attempt, and this replica
 *   leaves the channel alone for a while so another replica can send it.
 *
 * | cause                                                               | class  | reason             |
 * | ------------------------------------------------------------------- | ------ | ------------------ |
 * | the receiver answered, not 2xx                                      | remote | http_status        |
 * | no answer within the timeout, after the connection was made         | remote | timeout            |
 * | connection reset / closed after it was made (ECONNRESET, EPIPE, …)  | remote | connection_lost    |
 * | TLS handshake or certificate refused (after the TCP connection)     | remote | tls                |
 * | anything else (after connect, or an error no replica could avoid)   | remote | request_failed     |
 * | the SSRF guard: the host resolves to a non-public address, or not   | local  | url_guard          |
 * | DNS lookup failed (ENOTFOUND, EAI_AGAIN, ESERVFAIL, …)              | local  | dns                |
 * | connection refused before connecting (ECONNREFUSED)                 | local  | connection_refused |
 * | no route / not permitted (EHOSTUNREACH, ENETUNREACH, EACCES, …)     | local  | network            |
 * | no connection within the timeout                                    | local  | connect_timeout    |
 * | the channel's sealed URL or secret does not open with this key      | local  | channel_unreadable |
 *
 * A receiver that is down also refuses connections, on every replica: that is why local refusals
 * are bounded too (ALERT_DELIVERY_MAX_LOCAL_REFUSALS, after which they count as attempts).
 */
export type FailureClass = 'local' | 'remote';

export interface Failure {
  class: FailureClass;
  /** Stable snake_case reason (logs, metrics). */
  reason: string;
  /** Human detail: the error message or the status (never the URL's secrets). */
  detail: string;
}

const DNS_CODES = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EAI_NONAME',
  'ESERVFAIL',
  'ENODATA',
  'ETIMEOUT',
]);
const NETWORK_CODES = new Set([
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'EACCES',
  'EPERM',
  'ENETDOWN',
  'EHOSTDOWN',
]);
const LOST_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE']);

export function httpFailure(status: number): Failure {
  return { class: 'remote', reason: 'http_status', detail: `HTTP ${String(status)}` };
}

const isTls = (code: string) =>
  code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code);

/**
 * Classifies an error from sending one request. `connected`: a TCP connection to the receiver
 * was made (after that, every failure is the receiver's or the path's, and counts).
 */
export function classifyFailure(err: unknown, connected: boolean): Failure {
  const e: Error & { code?: unknown } = err instanceof Error ? err : new Error(String(err));
  const code = typeof e.code === 'string' ? e.code : '';
  const detail = code && !e.message.includes(code) ? `${code}: ${e.message}` : e.message;
  const local = (reason: string): Failure => ({ class: 'local', reason, detail });
  const remote = (reason: string): Failure => ({ class: 'remote', reason, detail });
  if (e.name === 'UrlNotAllowedError') return local('url_guard');
  const timedOut = e.name === 'AbortError' || e.name === 'TimeoutError' || code === 'ABORT_ERR';
  if (connected) {
    if (timedOut) return remote('timeout');
    if (isTls(code)) return remote('tls');
    if (LOST_CODES.has(code) || e.message === 'socket hang up') return remote('connection_lost');
    return remote('request_failed');
  }
  if (timedOut) return local('connect_timeout');
  if (DNS_CODES.has(code)) return local('dns');
  if (code === 'ECONNREFUSED') return local('connection_refused');
  if (NETWORK_CODES.has(code)) return local('network');
  return remote('request_failed');
}

/** The channel's URL or secret cannot be opened here (another replica may hold the right key). */
export function unreadableChannel(err: unknown): Failure {
  return {
    class: 'local',
    reason: 'channel_unreadable',
    detail: err instanceof Error ? err.message : String(err),
  };
}
