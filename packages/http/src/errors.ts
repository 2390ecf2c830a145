import { z } from 'zod';

/**
 * Every error code the HTTP services answer with, and its status, in one registry. Handlers throw
 * `new AppError('not_found', '…')`; the one error handler turns it into
 * `{ "error": { "code", "message", "details"? } }`.
 */
export const ERROR_STATUS = {
  invalid_request: 400,
  /** A notification URL that resolves to a loopback, private or link-local address. */
  url_not_allowed: 400,
  unauthorized: 401,
  invalid_signature: 401,
  forbidden: 403,
  not_found: 404,
  /** The request was not received within the server's headers or request timeout. */
  request_timeout: 408,
  /** A part sent to an import that is closed (issue 22): open a new import. */
  import_closed: 409,
  /** An import asked to close before the aggregator applied every event it published: retry. */
  import_pending: 409,
  /** A part number already recorded with another body: a retry must send the same bytes. */
  part_conflict: 409,
  payload_too_large: 413,
  uri_too_long: 414,
  unsupported_media_type: 415,
  rate_limited: 429,
  headers_too_large: 431,
  /** A tenant's concurrent SSE streams are at their cap on this replica. */
  too_many_streams: 429,
  internal: 500,
  /** Too much load to answer now (a limiter, the Postgres pool or a statement timeout): retry later. */
  overloaded: 503,
  kafka_unavailable: 503,
  not_ready: 503,
  rebuilding: 503,
} as const;
export type ErrorCode = keyof typeof ERROR_STATUS;

export class AppError extends Error {
  readonly statusCode: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    /** Headers of the answer (`retry-after` on 429 and 503). */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
    this.statusCode = ERROR_STATUS[code];
  }
}

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export function errorBody(code: string, message: string, details?: unknown): ErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

/** The error body as a zod schema, for route response declarations (and so for /docs). */
export const errorResponseSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
