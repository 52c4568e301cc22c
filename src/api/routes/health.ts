import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { ApiServices } from '../context.ts';

/** Registers `/healthz` (the process is up), `/readyz` (the database replies and start-up finished) and `/metrics`. */
export function registerHealthRoutes(app: FastifyInstance, services: ApiServices): void {
  app.get('/healthz', { schema: { hide: true }, logLevel: 'warn' }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { hide: true }, logLevel: 'warn' }, async (_request, reply) => {
    try {
      await sql`select 1`.execute(services.store.db);
    } catch (error) {
      services.logger.warn({ err: error }, 'readiness check failed');
      return reply.code(503).send({ status: 'unavailable', reason: 'metadata database unreachable' });
    }
    if (services.isReady && !services.isReady()) return reply.code(503).send({ status: 'starting' });
    return { status: 'ready' };
  });

  app.get('/metrics', { schema: { hide: true }, logLevel: 'warn' }, async (_request, reply) => {
    return reply.header('content-type', services.metrics.contentType).send(await services.metrics.metrics());
  });
}
