import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { reinstatementMessage, revocationMessage } from '../../infra/revocations.js';
import { Revocation, type RevocationSubject } from '../../schemas/revocation.js';
import type { RouteDeps } from '../deps.js';
import { ApiError, errorResponses } from '../errors.js';
import { SubjectParam } from '../params.js';
import { RevocationRequest, toRevocation } from '../revocation-request.js';
import { findRevocation, parseSubjectParam } from '../subjects.js';

// Named for the topic key it stands for; a param called `subject` made generic clients (schemathesis)
// pass the `subject` object of a response back as the path.
const SubjectParams = z.strictObject({ subjectKey: SubjectParam });

/** Stateful clients (and schemathesis) can follow a revocation to the routes that read or lift it. */
function subjectLinks(status: number, pointer: string) {
  const link = (operationId: string) => [
    operationId,
    { operationId, parameters: { subjectKey: `$response.body#${pointer}` } },
  ];
  return { [status]: Object.fromEntries(['getRevocation', 'deleteRevocation'].map(link)) };
}

const RevocationList = z.strictObject({ items: z.array(Revocation), total: z.number().int().min(0) });

export async function revocationRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { bus, clock, revocations } = deps;
  const topic = deps.config.kafka.topics.revocations;

  api.post(
    '/v1/revocations',
    {
      onRequest: deps.guard('responder'),
      config: { audited: true },
      links: subjectLinks(201, '/subject/id'),
      schema: {
        operationId: 'createRevocation',
        summary: 'Revoke an API key or block an address or range',
        description:
          'Publishes the revocation to the compacted revocations topic (every gateway enforces it); ' +
          'a later revocation of the same subject replaces it. Audited.',
        tags: ['revocations'],
        security: [{ bearerAuth: [] }],
        body: RevocationRequest,
        response: { 201: Revocation, ...errorResponses(400, 401, 403, 413, 415, 429, 500, 503) },
      },
    },
    async (request, reply) => {
      const { body } = request;
      // Noted before toRevocation, so a refused expiry is audited with what was asked.
      request.audit = {
        type: 'revoke',
        incidentId: body.incidentId ?? null,
        detail: { reason: body.reason },
      };
      const revocation = toRevocation(body, `api:${request.principal!.name}`, clock.now());
      request.audit.subject = revocation.subject;
      request.audit.detail = { reason: body.reason, expiresAt: revocation.expiresAt };
      await bus.send(topic, [revocationMessage(revocation)]);
      // Read-your-writes: the follower will apply the same record again, harmlessly.
      revocations.add(revocation);
      return reply.code(201).send(revocation);
    },
  );

  api.get(
    '/v1/revocations',
    {
      onRequest: deps.guard('viewer'),
      links: subjectLinks(200, '/items/0/subject/id'),
      schema: {
        operationId: 'listRevocations',
        summary: 'Revocations in force, newest first',
        tags: ['revocations'],
        security: [{ bearerAuth: [] }],
        querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(1000).default(100) }),
        response: { 200: RevocationList, ...errorResponses(400, 401, 429, 500) },
      },
    },
    async (request) => {
      const active = revocations.active().sort((a, b) => b.createdAt.localeCompare(a.createdAt));
      return { items: active.slice(0, request.query.limit), total: active.length };
    },
  );

  api.get(
    '/v1/revocations/:subjectKey',
    {
      onRequest: deps.guard('viewer'),
      schema: {
        operationId: 'getRevocation',
        summary: 'The revocation in force for exactly this subject',
        tags: ['revocations'],
        security: [{ bearerAuth: [] }],
        params: SubjectParams,
        response: { 200: Revocation, ...errorResponses(400, 401, 404, 429, 500) },
      },
    },
    async (request) => inForce(revocations, parseSubjectParam(request.params.subjectKey)),
  );

  api.delete(
    '/v1/revocations/:subjectKey',
    {
      onRequest: deps.guard('responder'),
      config: { audited: true },
      schema: {
        operationId: 'deleteRevocation',
        summary: 'Reinstate a key or unblock an address or range',
        description:
          'Publishes a tombstone for the subject. 404 when nothing is in force for exactly this subject ' +
          '(an address inside a blocked range is not reinstated on its own). Audited.',
        tags: ['revocations'],
        security: [{ bearerAuth: [] }],
        params: SubjectParams,
        response: {
          204: z.undefined().describe('reinstated'),
          ...errorResponses(400, 401, 403, 404, 429, 500, 503),
        },
      },
    },
    async (request, reply) => {
      const subject = parseSubjectParam(request.params.subjectKey);
      request.audit = { type: 'reinstate', subject };
      const current = inForce(revocations, subject);
      request.audit.incidentId = current.incidentId;
      // The tombstone's key must be the record's own key, whatever spelling the caller used.
      await bus.send(topic, [reinstatementMessage(current.subject)]);
      revocations.remove(current.subject);
      return reply.code(204).send();
    },
  );
}

function inForce(set: RouteDeps['revocations'], subject: RevocationSubject): Revocation {
  const found = findRevocation(set, subject);
  if (!found) throw new ApiError('not_found', 'nothing is revoked for this subject');
  return found;
}
