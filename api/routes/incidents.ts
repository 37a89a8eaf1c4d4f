import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { StoreQuery } from '../../infra/store/store.js';
import { DetectorName, Severity, SubjectKind, Timestamp } from '../../schemas/common.js';
import { Incident, IncidentStatus } from '../../schemas/incident.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import type { RouteDeps } from '../deps.js';
import { ApiError, errorResponses } from '../errors.js';
import { IncidentId } from '../params.js';

/** `-field` sorts descending. Every sort is numeric (dates as epoch ms); the id breaks ties. */
const SORTS = ['lastSeen', 'firstSeen', 'detectedAt', 'score', 'findingCount'] as const;
const SortParam = z.enum(SORTS.flatMap((f) => [`-${f}`, f]) as [string, ...string[]]);

const IncidentQuery = z.strictObject({
  type: DetectorName.optional(),
  subjectKind: SubjectKind.optional(),
  subjectId: z.string().min(1).max(64).optional(),
  severity: Severity.optional(),
  status: IncidentStatus.optional(),
  since: Timestamp.optional().describe('incidents still active at or after this time (lastSeen >= since)'),
  until: Timestamp.optional().describe('incidents that had begun by this time (firstSeen <= until)'),
  q: z.string().min(1).max(256).optional().describe('free text over subject, type, signal and signatures'),
  sort: SortParam.default('-lastSeen'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().min(1).max(1024).optional().describe('the `next` of the previous page'),
});

const IncidentPage = z.strictObject({
  items: z.array(Incident),
  total: z.number().int().min(0),
  next: z.string().nullable().describe('pass as `cursor` for the next page; null on the last page'),
});

/** The store's sort values for an incident: dates as epoch ms, as OpenSearch reports them, then the id. */
function sortValues(incident: Incident, field: string): [number, string] {
  const value = incident[field as (typeof SORTS)[number]];
  return [typeof value === 'string' ? Date.parse(value) : value, incident.id];
}

// Incident ids are `inc-<hex>`; a narrow alphabet keeps odd bytes away from the store's URLs.
const IdParams = z.strictObject({ id: IncidentId });

const TRANSITIONS = {
  ack: { to: 'acknowledged', from: ['open', 'acknowledged'] },
  resolve: { to: 'resolved', from: ['open', 'acknowledged', 'resolved'] },
} as const;

export async function incidentRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { store } = deps;

  api.get(
    '/v1/incidents',
    {
      onRequest: deps.guard('viewer'),
      schema: {
        operationId: 'searchIncidents',
        summary: 'Search incidents',
        description:
          'Filters combine with AND. `since`/`until` select incidents whose [firstSeen, lastSeen] overlaps ' +
          'the interval. Paging is by opaque cursor (search_after), stable beyond 10,000 results.',
        tags: ['incidents'],
        security: [{ bearerAuth: [] }],
        querystring: IncidentQuery,
        response: { 200: IncidentPage, ...errorResponses(400, 401, 429, 500, 503) },
      },
    },
    async (request) => {
      const q = request.query;
      const field = q.sort.replace(/^-/, '');
      const query: StoreQuery = {
        filters: {
          ...(q.type && { type: q.type }),
          ...(q.subjectKind && { 'subject.kind': q.subjectKind }),
          ...(q.subjectId && { 'subject.id': q.subjectId }),
          ...(q.severity && { severity: q.severity }),
          ...(q.status && { status: q.status }),
        },
        ranges: [
          ...(q.since ? [{ field: 'lastSeen', gte: q.since }] : []),
          ...(q.until ? [{ field: 'firstSeen', lte: q.until }] : []),
        ],
        sort: [{ field, order: q.sort.startsWith('-') ? 'desc' : 'asc' }],
        // One more than asked tells whether another page exists, so the last page never comes back empty.
        limit: q.limit + 1,
        ...(q.q && { text: q.q }),
        ...(q.cursor && { after: decodeCursor(q.cursor, q.sort, field !== 'score') }),
      };
      const page = await store.search<Incident>('incidents', query);
      const items = page.items.slice(0, q.limit);
      const last = items[items.length - 1];
      const more = page.items.length > q.limit && last;
      return { items, total: page.total, next: more ? encodeCursor(q.sort, sortValues(last, field)) : null };
    },
  );

  api.get(
    '/v1/incidents/:id',
    {
      onRequest: deps.guard('viewer'),
      schema: {
        operationId: 'getIncident',
        summary: 'One incident',
        tags: ['incidents'],
        security: [{ bearerAuth: [] }],
        params: IdParams,
        response: { 200: Incident, ...errorResponses(400, 401, 404, 429, 500, 503) },
      },
    },
    async (request) => {
      const incident = await store.get<Incident>('incidents', request.params.id);
      if (!incident) throw new ApiError('not_found', 'no incident with this id');
      return incident;
    },
  );

  for (const [verb, { to, from }] of Object.entries(TRANSITIONS)) {
    api.post(
      `/v1/incidents/:id/${verb}`,
      {
        onRequest: deps.guard('responder'),
        config: { audited: true },
        schema: {
          operationId: `${verb}Incident`,
          summary: `Mark an incident ${to}`,
          description: `Sets status to ${to} (allowed from: ${from.join(', ')}); audited. No body.`,
          tags: ['incidents'],
          security: [{ bearerAuth: [] }],
          params: IdParams,
          response: { 200: Incident, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 429, 500, 503) },
        },
      },
      async (request) => {
        const { id } = request.params;
        request.audit = { type: 'status_change', incidentId: id, detail: { to } };
        const current = await store.get<Incident>('incidents', id);
        if (!current) throw new ApiError('not_found', 'no incident with this id');
        request.audit = { ...request.audit, subject: current.subject, detail: { from: current.status, to } };
        if (!(from as readonly string[]).includes(current.status))
          throw new ApiError('conflict', `a ${current.status} incident cannot become ${to}`);
        // A partial update: the responder may be writing findingCount or lastSeen at the same moment.
        if (
          current.status !== to &&
          !(await store.update('incidents', id, { status: to }, { refresh: true }))
        )
          throw new ApiError('not_found', 'no incident with this id');
        return (await store.get<Incident>('incidents', id)) ?? { ...current, status: to };
      },
    );
  }
}
