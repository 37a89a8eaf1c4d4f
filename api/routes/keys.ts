import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { KeyId } from '../../schemas/common.js';
import { Revocation } from '../../schemas/revocation.js';
import type { RouteDeps } from '../deps.js';
import { errorResponses } from '../errors.js';

const KeyStatus = z.strictObject({
  keyId: KeyId,
  revoked: z.boolean(),
  revocation: Revocation.nullable().describe('the revocation in force, null when none'),
});

/** On gateways' hot path when they do not consume the topic: a hash lookup, nothing else. */
export async function keyRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/keys/:keyId',
    {
      onRequest: deps.guard('viewer'),
      // Hot path: the answer is built from revocations validated when applied, so plain JSON.stringify
      // replaces the re-validating zod serializer (the documented schema still comes from KeyStatus).
      serializerCompiler: () => (data) => JSON.stringify(data),
      schema: {
        operationId: 'getKeyStatus',
        summary: 'Whether an API key is revoked',
        tags: ['keys'],
        security: [{ bearerAuth: [] }],
        params: z.strictObject({ keyId: KeyId }),
        response: { 200: KeyStatus, ...errorResponses(400, 401, 429, 500) },
      },
    },
    async (request) => {
      const { keyId } = request.params;
      const verdict = deps.revocations.checkKey(keyId);
      return { keyId, revoked: verdict.revoked, revocation: verdict.revoked ? verdict.revocation : null };
    },
  );
}
