/**
 * The baseline every HTTP figure is compared with: a bare Fastify server (no validation, no auth,
 * no Kafka) whose routes parse the same bodies and answer at once. Run as its own process.
 */
import Fastify from 'fastify';

const app = Fastify({ logger: false, bodyLimit: 4 * 1024 * 1024 });
app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
  done(null, Object.fromEntries(new URLSearchParams(body as string)));
});
app.post('/form', (request, reply) => reply.status(200).send(typeof request.body === 'object' ? 'ok' : 'no'));
app.post('/json', (request, reply) =>
  reply
    .status(202)
    .send({ accepted: Array.isArray((request.body as { events?: unknown[] }).events) ? 1 : 0 }),
);
const KPI_LIKE = {
  campaignId: 'c',
  counts: { sent: 1000, delivered: 950 },
  rates: { deliveryRate: 0.95 },
  asOf: '',
};
app.get('/json', (_request, reply) => reply.send({ ...KPI_LIKE, asOf: new Date().toISOString() }));
app.get('/readyz', (_request, reply) => reply.send({ status: 'ready' }));

await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
