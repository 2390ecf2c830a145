/**
 * The one place where errors become HTTP answers. Known errors keep their 4xx and a clear message;
 * anything unknown is logged with the request id and answered as a generic 500.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { isPostgresOverload } from '@tally/db';
import { AppError, errorBody } from './errors.ts';

const FASTIFY_CODES: Record<string, [number, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'payload_too_large'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'unsupported_media_type'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'invalid_request'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'invalid_request'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'invalid_request'],
};

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | AppError, request, reply) => {
    if (err instanceof AppError) {
      if (err.headers) void reply.headers(err.headers);
      if (err.statusCode >= 500) request.log.warn({ code: err.code, msg: err.message }, 'request_failed');
      return reply.status(err.statusCode).send(errorBody(err.code, err.message, err.details));
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const details = err.validation.map((v) => ({
        path: [err.validationContext, ...String(v.instancePath).split('/').filter(Boolean)].join('.'),
        message: v.message,
      }));
      return reply
        .status(400)
        .send(
          errorBody(
            'invalid_request',
            `invalid ${err.validationContext ?? 'request'}: ${details.map((d) => d.path).join(', ')}`,
            details,
          ),
        );
    }
    const known = err.code ? FASTIFY_CODES[err.code] : undefined;
    if (known) return reply.status(known[0]).send(errorBody(known[1], err.message));
    if (err instanceof SyntaxError || (err.statusCode === 400 && err.code === undefined)) {
      return reply.status(400).send(errorBody('invalid_request', `malformed body: ${err.message}`));
    }
    if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      return reply.status(err.statusCode).send(errorBody('invalid_request', err.message));
    }
    if (isPostgresOverload(err)) {
      request.log.warn({ msg: err.message }, 'postgres_overloaded');
      return reply
        .status(503)
        .header('retry-after', '1')
        .send(errorBody('overloaded', 'the database is busy; retry shortly'));
    }
    request.log.error({ err }, 'unhandled_error');
    return reply.status(500).send(errorBody('internal', 'internal error'));
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send(errorBody('not_found', `no route ${request.method} ${request.url.split('?')[0]}`)),
  );
}
