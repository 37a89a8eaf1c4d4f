import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RouteDeps } from '../deps.js';
import { errorResponses } from '../errors.js';

const CHECK_TIMEOUT_MS = 2000;

const Liveness = z.strictObject({ status: z.literal('ok') });
const Readiness = z.strictObject({
  status: z.enum(['ready', 'not_ready']),
  checks: z.record(z.string(), z.enum(['up', 'down'])),
  message: z.string().optional().describe('which dependencies are down'),
});

export async function healthRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const checks = deps.readyChecks ?? { bus: () => deps.bus.ping(), store: () => deps.store.ping() };

  api.get(
    '/healthz',
    {
      schema: {
        operationId: 'liveness',
        summary: 'The process is up',
        tags: ['health'],
        response: { 200: Liveness, ...errorResponses(429, 500) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  api.get(
    '/readyz',
    {
      schema: {
        operationId: 'readiness',
        summary: 'Kafka, OpenSearch and the revocation follower are ready',
        tags: ['health'],
        response: { 200: Readiness, 503: Readiness, ...errorResponses(429, 500) },
      },
    },
    async (_request, reply) => {
      const names = Object.keys(checks);
      const results = await Promise.all(names.map((n) => withTimeout(checks[n]!)));
      const state = Object.fromEntries(names.map((n, i) => [n, results[i] ? 'up' : 'down'] as const));
      const down = names.filter((_, i) => !results[i]);
      if (down.length === 0) return { status: 'ready' as const, checks: state };
      return reply
        .code(503)
        .send({ status: 'not_ready' as const, checks: state, message: `down: ${down.join(', ')}` });
    },
  );
}

async function withTimeout(check: () => Promise<boolean>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([check().catch(() => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
