/**
 * The answers Fastify and Node give before a route or the error handler runs, in the error shape of
 * every other answer (SPEC §6) instead of their own: a URL that does not decode
 * (`/v1/campaigns/%/kpis`) or a parameter past the router's length (frameworkErrors), and a
 * request the HTTP parser refused or that timed out (clientErrorHandler, written on the socket).
 */
import http from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { errorBody, type ErrorCode, ERROR_STATUS } from './errors.ts';

export function frameworkErrors(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const [code, message]: [ErrorCode, string] =
    err.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? ['uri_too_long', 'a path parameter is too long']
      : ['invalid_request', 'the URL is not validly percent-encoded'];
  void reply.status(ERROR_STATUS[code]).header('x-request-id', request.id).send(errorBody(code, message));
}

const CLIENT_ERRORS: Record<string, [ErrorCode, string]> = {
  ERR_HTTP_REQUEST_TIMEOUT: ['request_timeout', 'the request was not received in time'],
  HPE_HEADER_OVERFLOW: ['headers_too_large', 'the request headers are too large'],
};

export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [code, message] = CLIENT_ERRORS[err.code ?? ''] ?? ['invalid_request', 'malformed HTTP request'];
  const status = ERROR_STATUS[code];
  const body = JSON.stringify(errorBody(code, message));
  if (socket.writable)
    socket.write(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ''}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Content-Type: application/json\r\nConnection: close\r\n\r\n${body}`,
    );
  socket.destroy(err);
}
