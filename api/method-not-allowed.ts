import type { FastifyInstance, HTTPMethods } from 'fastify';
import { ApiError } from './errors.js';

const METHODS: HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'QUERY'];

/**
 * Registers the routes `define` adds, then answers every other method on their paths with 405 and
 * an Allow header, instead of Fastify's 404 that would say the resource does not exist.
 */
export async function answerMethodNotAllowed(
  app: FastifyInstance,
  define: () => Promise<void>,
): Promise<void> {
  const allowed = new Map<string, Set<string>>();
  app.addHook('onRoute', (route) => {
    if (route.config?.methodNotAllowed) return;
    const methods = allowed.get(route.url) ?? new Set<string>();
    for (const m of [route.method].flat()) methods.add(m);
    allowed.set(route.url, methods);
  });
  await define();
  for (const [url, methods] of allowed) {
    if (methods.has('GET')) methods.add('HEAD');
    const missing = METHODS.filter((m) => !methods.has(m));
    if (missing.length === 0) continue;
    const allow = METHODS.filter((m) => methods.has(m)).join(', ');
    app.route({
      method: missing,
      url,
      config: { methodNotAllowed: allow },
      schema: { hide: true },
      handler: async () => {
        throw methodNotAllowed(allow);
      },
    });
  }
}

export function methodNotAllowed(allow: string): ApiError {
  return new ApiError('method_not_allowed', 'method not allowed on this route', [], { allow });
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** On the 405 routes: the Allow header, also for a request that fails before the handler (QUERY without a body). */
    methodNotAllowed?: string;
  }
}
