import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isGatehoundError } from '../infra/errors.js';
import type { Logger } from '../infra/logger.js';
import { ApiError, type ErrorBody, type FieldProblem } from './errors.js';
import { methodNotAllowed } from './method-not-allowed.js';

const WHERE: Record<string, string> = {
  querystring: 'query',
  params: 'params',
  body: 'body',
  headers: 'headers',
};

/** Fastify's own client errors, by code, turned into our types with a message of our own. */
const FASTIFY_ERRORS: Record<string, () => ApiError> = {
  FST_ERR_CTP_BODY_TOO_LARGE: () => new ApiError('payload_too_large', 'the request body is too large'),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () =>
    new ApiError('unsupported_media_type', 'the request body must be application/json'),
  FST_ERR_CTP_INVALID_JSON_BODY: () => invalidBody('not valid JSON'),
  FST_ERR_CTP_EMPTY_JSON_BODY: () => invalidBody('required'),
};

/**
 * The one place errors become responses: typed errors say what went wrong, everything else is a
 * generic 500. A response never carries a stack, a file path, a version or the raw input.
 */
export function installErrorHandler(app: FastifyInstance, log: Logger, onInternal: () => void): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const allow = request.routeOptions.config?.methodNotAllowed;
    const apiError = allow ? methodNotAllowed(allow) : toApiError(err);
    if (apiError.status >= 500) {
      if (apiError.type === 'internal') onInternal();
      log.error({ err, requestId: request.id, route: request.routeOptions.url }, 'request failed');
    }
    return sendError(request, reply, apiError);
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(request, reply, new ApiError('not_found', 'no such route')),
  );
}

/**
 * Fastify answers a malformed URL or an overlong path parameter before routing, with its own body
 * that echoes the path; this keeps those in our envelope too.
 */
export function frameworkError(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const message =
    err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'a path parameter is too long' : 'the URL is malformed';
  void sendError(
    request,
    reply,
    new ApiError('invalid_request', `invalid request: ${message}`, [
      { in: 'path', field: '(path)', message },
    ]),
  );
}

export function sendError(request: FastifyRequest, reply: FastifyReply, err: ApiError): FastifyReply {
  const body: ErrorBody = { error: { type: err.type, message: err.message, requestId: request.id } };
  if (err.fields.length) body.error.fields = err.fields.slice(0, 20);
  return reply.code(err.status).headers(err.headers).type('application/json; charset=utf-8').send(body);
}

function toApiError(err: FastifyError): ApiError {
  if (err instanceof ApiError) return err;
  if (err.validation) {
    const fields = validationFields(err);
    const summary = fields.map((f) => `${f.field}: ${f.message}`).join('; ');
    return new ApiError('invalid_request', `invalid request: ${summary}`.slice(0, 1024), fields);
  }
  const known = err.code ? FASTIFY_ERRORS[err.code] : undefined;
  if (known) return known();
  if (isGatehoundError(err, 'STORE_UNAVAILABLE') || isGatehoundError(err, 'BUS_UNAVAILABLE'))
    return new ApiError('unavailable', 'a backing service is unavailable; retry later', [], {
      'retry-after': '5',
    });
  if (isGatehoundError(err, 'BUS_SEND_FAILED'))
    return new ApiError('unavailable', 'the change could not be published; retry later', [], {
      'retry-after': '5',
    });
  // Any other 4xx Fastify raises (bad URL encoding, content-length mismatch...) is the client's.
  const status = err.statusCode ?? 500;
  if (status >= 400 && status < 500) return new ApiError('invalid_request', 'the request is malformed');
  return new ApiError('internal', 'internal error');
}

function invalidBody(message: string): ApiError {
  return new ApiError('invalid_request', `invalid request: body: ${message}`, [
    { in: 'body', field: '(body)', message },
  ]);
}

interface Issue {
  instancePath?: string;
  path?: PropertyKey[];
  message?: string;
  keyword?: string;
  code?: string;
  params?: { keys?: string[]; errors?: Issue[][] };
  keys?: string[];
  errors?: Issue[][];
}

/** Field names with messages; a union reports the branch that came closest, not every branch. */
function validationFields(err: FastifyError): FieldProblem[] {
  const where = WHERE[err.validationContext ?? ''] ?? 'request';
  const out: FieldProblem[] = [];
  for (const issue of (err.validation ?? []) as Issue[]) {
    const base = (issue.instancePath ?? '').split('/').filter(Boolean);
    flatten(issue, base, where, out);
  }
  return out;
}

function flatten(issue: Issue, base: string[], where: string, out: FieldProblem[]): void {
  const code = issue.keyword ?? issue.code;
  const unionBranches = issue.params?.errors ?? issue.errors;
  if (code === 'invalid_union' && unionBranches?.length) {
    const closest = [...unionBranches].sort((a, b) => a.length - b.length)[0] ?? [];
    for (const inner of closest) flatten(inner, [...base, ...(inner.path ?? []).map(String)], where, out);
    return;
  }
  const keys = issue.params?.keys ?? issue.keys;
  if (code === 'unrecognized_keys' && keys?.length) {
    for (const key of keys)
      out.push({ in: where, field: [...base, key].join('.').slice(0, 100), message: 'unknown field' });
    return;
  }
  out.push({
    in: where,
    field: base.join('.').slice(0, 100) || `(${where})`,
    message: (issue.message ?? 'invalid').slice(0, 200),
  });
}
