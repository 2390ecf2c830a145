/**
 * The Fastify instance every HTTP service starts from: zod schemas as the type provider (the same
 * schemas validate requests and generate the OpenAPI document at /docs), request ids, the error
 * handler, health/readiness/metrics. It never listens: main.ts does.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Registry } from 'prom-client';
import type { Logger } from '@tally/logging';
import { installErrorHandler } from './error-handler.ts';
import { clientErrorHandler, frameworkErrors } from './framework-errors.ts';
import { installObservability, type ReadinessChecks } from './observability.ts';

/** How long the server waits on a client (the httpEnv fragment of @tally/config documents each). */
export interface ServerLimits {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  connectionTimeoutMs: number;
  keepAliveTimeoutMs: number;
}

export const DEFAULT_SERVER_LIMITS: ServerLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  connectionTimeoutMs: 60_000,
  keepAliveTimeoutMs: 72_000,
};

/** The limits from a config that spread the httpEnv fragment. */
export function serverLimitsOf(c: {
  HTTP_HEADERS_TIMEOUT_MS: number;
  HTTP_REQUEST_TIMEOUT_MS: number;
  HTTP_CONNECTION_TIMEOUT_MS: number;
  HTTP_KEEP_ALIVE_TIMEOUT_MS: number;
}): ServerLimits {
  return {
    headersTimeoutMs: c.HTTP_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: c.HTTP_REQUEST_TIMEOUT_MS,
    connectionTimeoutMs: c.HTTP_CONNECTION_TIMEOUT_MS,
    keepAliveTimeoutMs: c.HTTP_KEEP_ALIVE_TIMEOUT_MS,
  };
}

export interface BaseAppOptions {
  logger: Logger;
  registry: Registry;
  checks: ReadinessChecks;
  title: string;
  bodyLimit?: number;
  /** Default: DEFAULT_SERVER_LIMITS. */
  server?: ServerLimits;
  /** Proxies whose X-Forwarded-For gives `request.ip` (TRUST_PROXY_HOPS); default 0. */
  trustProxyHops?: number;
  isShuttingDown?: () => boolean;
}

/**
 * Longest path parameter the router matches: as long as a request line can be (Node's 16 KiB
 * header limit), so a too-long id reaches its route's validation and a 400 naming it, not a 404
 * (Fastify's default of 100 would 404 even a valid 200-character id).
 */
const MAX_PARAM_LENGTH = 16 * 1024;

/**
 * Node's http.Server options for the limits. Node checks the headers and request timeouts of open
 * connections every `connectionsCheckingInterval` (30 s by default, which is why a stalled request
 * used to wait out 88 s): here a quarter of the shorter timeout, 1 s at most, so a stalled request
 * is closed within its timeout plus that.
 */
function nodeServerOptions(l: ServerLimits) {
  if (l.headersTimeoutMs > l.requestTimeoutMs)
    throw new Error('server limits: the headers timeout must not exceed the request timeout');
  return {
    headersTimeout: l.headersTimeoutMs,
    requestTimeout: l.requestTimeoutMs,
    connectionsCheckingInterval: Math.max(25, Math.min(1000, Math.floor(l.headersTimeoutMs / 4))),
  };
}

export type App = FastifyInstance;

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export async function createBaseApp(opts: BaseAppOptions) {
  const loggerInstance: FastifyBaseLogger = opts.logger;
  const limits = opts.server ?? DEFAULT_SERVER_LIMITS;
  const hops = opts.trustProxyHops ?? 0;
  const app = Fastify({
    loggerInstance,
    bodyLimit: opts.bodyLimit ?? 1024 * 1024,
    http: nodeServerOptions(limits),
    requestTimeout: limits.requestTimeoutMs,
    connectionTimeout: limits.connectionTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // proxy-addr's hop count, as a function (the typings omit the number form)
    trustProxy: hops > 0 ? (_address: string, hop: number) => hop < hops : false,
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    frameworkErrors,
    clientErrorHandler,
    forceCloseConnections: true,
    return503OnClosing: true,
    // one line per request, at a level by outcome, instead of two at info (observability.ts)
    logController: new LogController({ disableRequestLogging: true }),
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // Callback-style hooks: an async hook costs a promise per request on every route.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  installErrorHandler(app);
  await app.register(swagger, {
    openapi: {
      info: { title: opts.title, version: '0.1.0' },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } } },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  installObservability(app, {
    registry: opts.registry,
    checks: opts.checks,
    isShuttingDown: opts.isShuttingDown ?? (() => false),
  });
  return app;
}
