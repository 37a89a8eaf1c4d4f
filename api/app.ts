import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { auditor } from './audit.js';
import { Authenticator } from './auth.js';
import type { ApiDeps, Guard, RouteDeps } from './deps.js';
import { frameworkError, installErrorHandler } from './error-handler.js';
import { securityHeaders } from './headers.js';
import { answerMethodNotAllowed } from './method-not-allowed.js';
import { apiMetrics } from './metrics.js';
import { rateLimits } from './rate-limit.js';
import { docsUi, openApi } from './routes/docs.js';
import { healthRoutes } from './routes/health.js';
import { incidentRoutes } from './routes/incidents.js';
import { keyRoutes } from './routes/keys.js';
import { metricsRoutes } from './routes/metrics.js';
import { revocationRoutes } from './routes/revocations.js';

export interface BuildOptions {
  /** PEM certificate and key: the app then speaks HTTPS only. */
  tls?: { cert: string | Buffer; key: string | Buffer };
}

/** Builds the API; never listens (server.ts does), so tests drive it with `inject()`. */
export async function buildApp(deps: ApiDeps, options: BuildOptions = {}): Promise<FastifyInstance> {
  const { config, log } = deps;
  const api = config.api;
  const app = Fastify({
    ...(options.tls && { https: { ...options.tls, minVersion: 'TLSv1.2' as const } }),
    loggerInstance: log.child({ component: 'api' }),
    // No pino child per request (its redaction set-up was a measurable share of a key lookup); error
    // logs name the request id themselves.
    childLoggerFactory: (logger) => logger,
    logController: new LogController({ disableRequestLogging: true }),
    requestTimeout: 30_000,
    bodyLimit: api.bodyLimitBytes,
    // Our own ids: a client-chosen id would let it forge or collide entries in logs and audit records.
    requestIdHeader: false,
    genReqId: () => randomUUID(),
    trustProxy: api.trustProxy.length ? api.trustProxy : false,
    return503OnClosing: true,
    // Long enough that an overlong id reaches validation, which names the field.
    routerOptions: { maxParamLength: 1024 },
    frameworkErrors: frameworkError,
  }) as unknown as FastifyInstance;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  acceptJsonOnly(app);

  const metrics = apiMetrics(deps.metrics, deps.revocations);
  installErrorHandler(app, log, () => deps.metrics.error('api', 'INTERNAL'));
  await securityHeaders(app, api);
  const limits = await rateLimits(app, {
    perIpPerMinute: api.ipRateLimitPerMinute,
    perTokenPerMinute: api.rateLimitPerMinute,
  });
  app.addHook('onRequest', limits.perIp);
  const auth = new Authenticator(api.tokens);
  const guard: Guard = (role) => async (request, reply) => {
    auth.authorize(request, role);
    await limits.perToken(request, reply);
  };
  app.decorateRequest('principal', null);
  app.decorateRequest('audit', null);
  app.addHook(
    'onResponse',
    auditor(deps.store, deps.clock, log, () => metrics.auditFailures.inc()),
  );
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? '(unmatched)';
    metrics.requests.observe(
      { method: request.method, route, status: reply.statusCode },
      reply.elapsedTime / 1000,
    );
    // The access log, at debug: token names and addresses, never tokens or query strings.
    log.debug(
      {
        requestId: request.id,
        method: request.method,
        route,
        status: reply.statusCode,
        ms: reply.elapsedTime,
        token: request.principal?.name,
        ip: request.ip,
      },
      'api request',
    );
  });

  if (api.docs) await openApi(app, config);
  const routeDeps: RouteDeps = { ...deps, guard };
  await answerMethodNotAllowed(app, async () => {
    await incidentRoutes(app, routeDeps);
    await keyRoutes(app, routeDeps);
    await revocationRoutes(app, routeDeps);
    await healthRoutes(app, routeDeps);
    await metricsRoutes(app, routeDeps);
  });
  if (api.docs) await docsUi(app);
  return app;
}

/** JSON bodies only (415 for anything else); an empty body is no body, so `POST …/ack` needs none. */
function acceptJsonOnly(app: FastifyInstance): void {
  const json = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '') return done(null, undefined);
    return json(request, body as string, done);
  });
}
