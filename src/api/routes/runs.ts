import { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TributaryError } from '../../domain/errors.ts';
import { createSourceInspector } from '../../engine/real-pipeline.ts';
import { runToJson } from '../../engine/run-json.ts';
import { parseRunFilters, RunService, type Caller } from '../../engine/run-service.ts';
import type { ApiServices } from '../context.ts';
import { DEFAULT_LIMIT, MAX_LIMIT, sendCreated, sendWithEtag, wantsCount } from '../http.ts';
import { IdParams, TimeValue } from '../schemas.ts';

// The runs API: on-demand runs, retries, cancels, backfills, lists, row errors and upcoming runs.
// The rules live in the run service; these routes parse, call it and shape the responses.

const OnDemandBody = Type.Object({
  flowId: Type.String({ minLength: 1 }),
  params: Type.Object({
    startTime: Type.Optional(TimeValue),
    windowStartTime: TimeValue,
    windowEndTime: TimeValue,
    deltaColumn: Type.Optional(Type.Object({ name: Type.String({ minLength: 1 }) })),
  }),
});
type OnDemandBody = typeof OnDemandBody.static;

const BackfillBody = Type.Object({
  windowStartTime: TimeValue,
  windowEndTime: TimeValue,
  reprocess: Type.Optional(Type.Union([Type.Literal('none'), Type.Literal('failed'), Type.Literal('all')])),
  dryRun: Type.Optional(Type.Boolean()),
});
type BackfillBody = typeof BackfillBody.static;

const RunListQuerystring = Type.Object({
  limit: Type.Optional(Type.Integer({ description: 'Page size from 1 to 500; default 50' })),
  continuationToken: Type.Optional(Type.String()),
  orderby: Type.Optional(Type.String({ description: '-createdAt (default) or createdAt' })),
  property: Type.Optional(
    Type.Union([Type.String(), Type.Array(Type.String())], {
      description: 'flowId==…, status==failed,success, trigger==retry, windowStartTime>=…, windowEndTime<=…',
    }),
  ),
  count: Type.Optional(Type.Boolean({ description: 'Return { count } instead of items' })),
});
type RunListQuerystring = typeof RunListQuerystring.static;

const ActionQuery = Type.Object({ op: Type.String({ description: 're-trigger or cancel' }) });
const ErrorsQuery = Type.Object({ format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')])) });
const UpcomingQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) });

function callerOf(request: FastifyRequest): Caller {
  return { orgId: request.actor.orgId, sandbox: request.actor.sandbox, userId: request.actor.userId };
}

export function registerRunRoutes(app: FastifyInstance, services: ApiServices): void {
  const service = new RunService({
    db: services.store.db,
    clock: services.clock,
    logger: services.logger,
    inspector: createSourceInspector({
      db: services.store.db,
      secretBox: services.secretBox,
      fileRoots: services.config.fileRoots,
    }),
  });

  app.post<{ Body: OnDemandBody }>(
    '/runs',
    {
      schema: {
        tags: ['runs'],
        summary: 'Create an on-demand run over a window; Idempotency-Key makes a repeat return the first run',
        body: OnDemandBody,
      },
    },
    async (request, reply) => {
      const key = request.headers['idempotency-key'];
      const { run, warnings, created } = await service.createOnDemandRun(
        callerOf(request),
        request.body,
        typeof key === 'string' && key !== '' ? key : undefined,
      );
      if (!created) reply.header('idempotent-replayed', 'true');
      return sendCreated(reply, `/api/v1/runs/${run.id}`, { ...runToJson(run), warnings });
    },
  );

  app.get<{ Querystring: RunListQuerystring }>(
    '/runs',
    { schema: { tags: ['runs'], summary: 'List runs, newest first', querystring: RunListQuerystring } },
    async (request) => {
      const filter = parseRunFilters(request.query.property);
      if (wantsCount(request.query)) return { count: await service.countRuns(request.actor, filter) };

      const limit = request.query.limit ?? DEFAULT_LIMIT;
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
        throw new TributaryError(
          'INVALID_LIMIT',
          `limit ${limit} is out of range; use a whole number from 1 to ${MAX_LIMIT}.`,
          {
            errors: [{ path: 'querystring.limit', message: 'out of range' }],
          },
        );
      }
      const orderby = request.query.orderby ?? '-createdAt';
      if (orderby !== '-createdAt' && orderby !== 'createdAt' && orderby !== '+createdAt') {
        throw new TributaryError(
          'INVALID_ORDER',
          `orderby '${orderby}' is not supported for runs; use -createdAt or createdAt.`,
          {
            errors: [{ path: 'querystring.orderby', message: 'unsupported order' }],
          },
        );
      }

      const page = await service.listRuns(request.actor, {
        ...filter,
        limit,
        order: orderby === '-createdAt' ? 'desc' : 'asc',
        ...(request.query.continuationToken ? { continuationToken: request.query.continuationToken } : {}),
      });
      const links: { next?: { href: string } } = {};
      if (page.continuationToken) {
        const url = new URL(request.url, 'http://localhost');
        url.searchParams.set('continuationToken', page.continuationToken);
        links.next = { href: `${url.pathname}${url.search}` };
      }
      return { items: page.runs.map(runToJson), _links: links };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/runs/:id',
    { schema: { tags: ['runs'], summary: 'Get a run', params: IdParams } },
    async (request, reply) => sendWithEtag(reply, runToJson(await service.getRun(request.actor, request.params.id))),
  );

  app.post<{ Params: { id: string }; Querystring: typeof ActionQuery.static }>(
    '/runs/:id/action',
    {
      schema: {
        tags: ['runs'],
        summary: 'Re-trigger a finished run (?op=re-trigger) or cancel a scheduled or running one (?op=cancel)',
        params: IdParams,
        querystring: ActionQuery,
      },
    },
    async (request, reply) => {
      const { op } = request.query;
      if (op === 're-trigger') {
        const run = await service.retrigger(callerOf(request), request.params.id);
        return sendCreated(reply, `/api/v1/runs/${run.id}`, runToJson(run));
      }
      if (op === 'cancel')
        return sendWithEtag(reply, runToJson(await service.cancel(callerOf(request), request.params.id)));
      throw new TributaryError('INVALID_OPERATION', `op '${op}' is unknown for runs; use op=re-trigger or op=cancel.`, {
        errors: [{ path: 'querystring.op', message: 'unknown operation' }],
      });
    },
  );

  app.get<{ Params: { id: string }; Querystring: typeof ErrorsQuery.static }>(
    '/runs/:id/errors',
    {
      schema: {
        tags: ['runs'],
        summary: 'Row errors of a run: the first 100 as JSON, or all of them with ?format=csv',
        params: IdParams,
        querystring: ErrorsQuery,
      },
    },
    async (request, reply) => {
      if (request.query.format === 'csv') {
        const lines = await service.rowErrorsCsv(request.actor, request.params.id);
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="run-${request.params.id}-errors.csv"`)
          .send(Readable.from(lines));
      }
      const { items, count } = await service.rowErrors(request.actor, request.params.id);
      return {
        items: items.map(({ seq: _seq, ...error }) => error),
        count,
      };
    },
  );

  app.get<{ Params: { id: string }; Querystring: typeof UpcomingQuery.static }>(
    '/flows/:id/scheduledRuns',
    {
      schema: {
        tags: ['runs'],
        summary:
          'Upcoming runs of a flow: waiting runs, then at least the next 10 (and next 24 hours of) scheduled windows',
        params: IdParams,
        querystring: UpcomingQuery,
      },
    },
    async (request) => ({
      items: await service.scheduledRuns(request.actor, request.params.id, request.query.limit ?? 10),
    }),
  );

  app.post<{ Params: { id: string }; Body: BackfillBody }>(
    '/flows/:id/backfill',
    {
      schema: {
        tags: ['runs'],
        summary: "Split a range into the flow's windows and create one run per window; dryRun previews them",
        params: IdParams,
        body: BackfillBody,
      },
    },
    async (request, reply) => {
      const result = await service.backfill(callerOf(request), request.params.id, request.body);
      return reply.code(result.dryRun ? 200 : 201).send(result);
    },
  );
}
