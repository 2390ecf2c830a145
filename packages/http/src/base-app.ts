/**
 * The Fastify instance every HTTP service starts from: zod schemas as the type provider (the same
 * schemas validate requests and generate the OpenAPI document at /docs), request ids, the error
 * handler, health/readiness/metrics. It never listens: main.ts does.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
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
import { installObservability, type ReadinessChecks } from './observability.ts';

export interface BaseAppOptions {
  logger: Logger;
  registry: Registry;
  checks: ReadinessChecks;
  title: string;
  bodyLimit?: number;
  isShuttingDown?: () => boolean;
}

export type App = FastifyInstance;

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export async function createBaseApp(opts: BaseAppOptions) {
  const loggerInstance: FastifyBaseLogger = opts.logger;
  const app = Fastify({
    loggerInstance,
    bodyLimit: opts.bodyLimit ?? 1024 * 1024,
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    forceCloseConnections: true,
    return503OnClosing: true,
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
