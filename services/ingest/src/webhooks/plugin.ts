/**
 * The webhook scope: an encapsulated Fastify plugin whose only content-type parsers keep the raw
 * body as a Buffer (signatures are checked over the exact bytes before anything is parsed), with
 * its own body limit. Other content types get 415; routes outside this scope are unaffected.
 */
import type { FastifyInstance } from 'fastify';
import type { IngestDeps } from '../deps.ts';
import { infobipRoute } from './infobip.route.ts';
import { twilioRoute } from './twilio.route.ts';
import { vonageRoute } from './vonage.route.ts';
import { whatsappRoute } from './whatsapp.route.ts';

export const WEBHOOK_MEDIA_TYPES = ['application/json', 'application/x-www-form-urlencoded'];

export async function registerWebhooks(app: FastifyInstance, deps: IngestDeps): Promise<void> {
  await app.register((scope, _opts, done) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      WEBHOOK_MEDIA_TYPES,
      { parseAs: 'buffer', bodyLimit: deps.config.WEBHOOK_BODY_LIMIT_BYTES },
      (_request, body, done) => done(null, body),
    );
    twilioRoute(scope, deps);
    whatsappRoute(scope, deps);
    vonageRoute(scope, deps);
    infobipRoute(scope, deps);
    done();
  });
}
