/** Which failures count as attempts (remote) and which are this replica's own (local). */
import { describe, expect, it } from 'vitest';
import { classifyFailure, httpFailure, unreadableChannel } from './failure.ts';
import { UrlNotAllowedError } from './url-guard.ts';

const coded = (code: string, message = `${code} somewhere`) => Object.assign(new Error(message), { code });
const named = (name: string, message: string) => Object.assign(new Error(message), { name });

describe('classifyFailure', () => {
  it.each([
    // before any connection: this replica's resolver, network or policy
    [coded('ENOTFOUND', 'getaddrinfo ENOTFOUND hooks.example'), false, 'local', 'dns'],
    [coded('EAI_AGAIN'), false, 'local', 'dns'],
    [coded('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.1:443'), false, 'local', 'connection_refused'],
    [coded('EHOSTUNREACH'), false, 'local', 'network'],
    [coded('ENETUNREACH'), false, 'local', 'network'],
    [coded('EACCES'), false, 'local', 'network'],
    [
      new UrlNotAllowedError('x resolves to a loopback, private or link-local address'),
      false,
      'local',
      'url_guard',
    ],
    [named('AbortError', 'timed out after 5000 ms'), false, 'local', 'connect_timeout'],
    // an error no replica could avoid, before connecting: it counts
    [coded('ERR_INVALID_CHAR'), false, 'remote', 'request_failed'],
    [new Error('something odd'), false, 'remote', 'request_failed'],
    // after the connection was made: the receiver's or the path's
    [named('AbortError', 'timed out after 5000 ms'), true, 'remote', 'timeout'],
    [coded('ECONNRESET', 'read ECONNRESET'), true, 'remote', 'connection_lost'],
    [new Error('socket hang up'), true, 'remote', 'connection_lost'],
    [coded('CERT_HAS_EXPIRED', 'certificate has expired'), true, 'remote', 'tls'],
    [coded('ERR_TLS_CERT_ALTNAME_INVALID'), true, 'remote', 'tls'],
    [coded('ECONNREFUSED'), true, 'remote', 'request_failed'],
  ] as const)('%s (connected %s) → %s %s', (err, connected, cls, reason) => {
    expect(classifyFailure(err, connected)).toMatchObject({ class: cls, reason });
  });

  it('keeps the code in the detail once', () => {
    expect(classifyFailure(coded('ENOTFOUND', 'getaddrinfo ENOTFOUND h'), false).detail).toBe(
      'getaddrinfo ENOTFOUND h',
    );
    expect(classifyFailure(coded('EHOSTUNREACH', 'no route'), false).detail).toBe('EHOSTUNREACH: no route');
    expect(classifyFailure('a string', false).detail).toBe('a string');
  });

  it('a non-2xx answer is remote; a channel this key cannot open is local', () => {
    expect(httpFailure(503)).toEqual({ class: 'remote', reason: 'http_status', detail: 'HTTP 503' });
    expect(unreadableChannel(new Error('unsupported state'))).toEqual({
      class: 'local',
      reason: 'channel_unreadable',
      detail: 'unsupported state',
    });
  });
});
