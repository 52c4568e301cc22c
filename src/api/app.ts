import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { errorCatalogue, TributaryError } from '../domain/errors.ts';
import { authenticate } from './auth.ts';
import type { ApiServices } from './context.ts';
import { asTributaryError, sendProblem } from './problem.ts';
import { registerConnectionRoutes } from './routes/connections.ts';
import { registerDatasetRoutes } from './routes/datasets.ts';
import { registerFlowRoutes } from './routes/flows.ts';
import { registerHealthRoutes } from './routes/health.ts';
import { registerSandboxRoutes } from './routes/sandboxes.ts';
import { registerSourceConnectionRoutes } from './routes/source-connections.ts';
import { registerWebhookRoutes } from './routes/webhooks.ts';

export const API_PREFIX = '/api/v1';

const WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');

export interface AppOptions {
  /** Extra route modules under /api/v1, such as the runs routes of the engine. */
  apiRoutes?: ((app: FastifyInstance, services: ApiServices) => void)[];
  /** Folder of the built web UI; the default is web/dist. */
  webRoot?: string;
}

/** Builds the HTTP application without listening, so tests can call `app.inject()`. */
export async function buildApp(services: ApiServices, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: services.logger as FastifyBaseLogger,
    genReqId: () => crypto.randomUUID(),
    bodyLimit: 1024 * 1024,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: true } },
  });

  app.setErrorHandler((error, request, reply) => {
    const problem = asTributaryError(error);
    if (problem.status >= 500) request.log.error({ err: error, code: problem.code }, 'request failed');
    else request.log.info({ code: problem.code }, 'request rejected');
    return sendProblem(request, reply, problem);
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Tributary API',
        version: '1.0.0',
        description:
          'Sources, datasets, dataflows and flow runs over exact half-open time windows. Errors are application/problem+json with a stable code.',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
        // The swagger plugin's schema type rejects the x- extension member, which OpenAPI 3.1 allows.
        schemas: { Problem: problemSchema() as never },
      },
      security: [{ bearer: [] }],
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });

  registerHealthRoutes(app, services);
  app.get(`${API_PREFIX}/openapi.json`, { schema: { hide: true } }, async () => app.swagger());

  await app.register(
    async (api) => {
      api.decorateRequest('actor', null as never);
      api.addHook('onRequest', async (request) => {
        request.actor = await authenticate(services, request);
      });
      registerSandboxRoutes(api, services);
      registerConnectionRoutes(api, services);
      registerSourceConnectionRoutes(api, services);
      registerDatasetRoutes(api, services);
      registerFlowRoutes(api, services);
      registerWebhookRoutes(api, services);
      for (const register of options.apiRoutes ?? []) register(api, services);
    },
    { prefix: API_PREFIX },
  );

  await registerWebUi(app, options.webRoot ?? WEB_DIST);
  return app;
}

/** Builds the schema of every error response, listing the catalogue's codes and their statuses. */
function problemSchema() {
  const codes = Object.keys(errorCatalogue);
  return {
    type: 'object',
    required: ['type', 'title', 'status', 'code', 'detail', 'errors'],
    properties: {
      type: { type: 'string' },
      title: { type: 'string' },
      status: { type: 'integer' },
      code: { type: 'string', enum: codes },
      detail: { type: 'string', description: 'Names the field, the value and the fix' },
      errors: {
        type: 'array',
        items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } },
      },
    },
    'x-status-by-code': Object.fromEntries(
      codes.map((code) => [code, errorCatalogue[code as keyof typeof errorCatalogue].status]),
    ),
  };
}

async function registerWebUi(app: FastifyInstance, webRoot: string): Promise<void> {
  const hasUi = fs.existsSync(path.join(webRoot, 'index.html'));
  if (hasUi) await app.register(fastifyStatic, { root: webRoot, prefix: '/', wildcard: false, index: 'index.html' });

  app.setNotFoundHandler((request, reply) => {
    const isApi = request.url.startsWith('/api/') || request.url.startsWith('/metrics');
    if (hasUi && request.method === 'GET' && !isApi && request.headers.accept?.includes('text/html')) {
      return reply.sendFile('index.html');
    }
    return sendProblem(
      request,
      reply,
      new TributaryError(
        'ROUTE_NOT_FOUND',
        `No route ${request.method} ${request.url.split('?')[0]}; the API is documented at /api/docs.`,
      ),
    );
  });
}
