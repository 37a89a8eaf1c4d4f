import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './errors.js';

type Check = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

export interface RateLimits {
  /** Per client address, before authentication: bounds token guessing as well as load. */
  perIp: Check;
  /** Per token name, after authentication: one noisy client cannot starve the others. */
  perToken: Check;
}

const MINUTE_MS = 60_000;

/** Two fixed-window limiters on @fastify/rate-limit's store; exceeding either is a 429 with Retry-After. */
export async function rateLimits(
  app: FastifyInstance,
  limits: { perIpPerMinute: number; perTokenPerMinute: number },
): Promise<RateLimits> {
  await app.register(rateLimit, { global: false, cache: 50_000 });
  const ip = app.createRateLimit({ max: limits.perIpPerMinute, timeWindow: MINUTE_MS });
  const token = app.createRateLimit({
    max: limits.perTokenPerMinute,
    timeWindow: MINUTE_MS,
    keyGenerator: (request) => `token:${request.principal?.name ?? ''}`,
  });
  return { perIp: enforce(ip), perToken: enforce(token) };
}

function enforce(limiter: ReturnType<FastifyInstance['createRateLimit']>): Check {
  return async (request, reply) => {
    const result = await limiter(request);
    if (result.isAllowed) return;
    reply.header('x-ratelimit-limit', result.max);
    reply.header('x-ratelimit-remaining', result.remaining);
    reply.header('x-ratelimit-reset', result.ttlInSeconds);
    if (result.isExceeded) {
      throw new ApiError('rate_limited', 'too many requests; retry later', [], {
        'retry-after': String(Math.max(1, result.ttlInSeconds)),
      });
    }
  };
}
