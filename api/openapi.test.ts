import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import type { OpenAPIV3 } from 'openapi-types';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiHarness, bearer, type Harness, incident } from '../test/helpers/api.js';

/** The keywords an OpenAPI 3.0 Schema Object may have; anything else (const, prefixItems...) is invalid there. */
const OAS30_KEYWORDS = new Set([
  'title',
  'multipleOf',
  'maximum',
  'exclusiveMaximum',
  'minimum',
  'exclusiveMinimum',
  'maxLength',
  'minLength',
  'pattern',
  'maxItems',
  'minItems',
  'uniqueItems',
  'maxProperties',
  'minProperties',
  'required',
  'enum',
  'type',
  'allOf',
  'oneOf',
  'anyOf',
  'not',
  'items',
  'properties',
  'additionalProperties',
  'description',
  'format',
  'default',
  'nullable',
  'discriminator',
  'readOnly',
  'writeOnly',
  'xml',
  'externalDocs',
  'example',
  'deprecated',
  '$ref',
]);
const SCHEMA_LISTS = ['allOf', 'oneOf', 'anyOf'];

const KEY = '0123456789abcdef0123456789abcdef';
const EXPECTED_OPERATIONS = [
  'GET /v1/incidents',
  'GET /v1/incidents/{id}',
  'POST /v1/incidents/{id}/ack',
  'POST /v1/incidents/{id}/resolve',
  'GET /v1/keys/{keyId}',
  'POST /v1/revocations',
  'GET /v1/revocations',
  'GET /v1/revocations/{subjectKey}',
  'DELETE /v1/revocations/{subjectKey}',
  'GET /healthz',
  'GET /readyz',
  'GET /metrics',
];

type Doc = OpenAPIV3.Document;
let h: Harness;
let doc: Doc;

function walk(schema: unknown, at: string, visit: (s: Record<string, unknown>, at: string) => void): void {
  if (!schema || typeof schema !== 'object') return;
  const s = schema as Record<string, unknown>;
  visit(s, at);
  for (const [k, v] of Object.entries((s.properties as Record<string, unknown>) ?? {}))
    walk(v, `${at}.${k}`, visit);
  for (const k of ['items', 'additionalProperties', 'not'])
    if (typeof s[k] === 'object') walk(s[k], `${at}.${k}`, visit);
  for (const k of SCHEMA_LISTS)
    for (const [i, v] of ((s[k] as unknown[]) ?? []).entries()) walk(v, `${at}.${k}[${i}]`, visit);
}

function operations(d: Doc): [string, OpenAPIV3.OperationObject][] {
  return Object.entries(d.paths).flatMap(([path, item]) =>
    (['get', 'post', 'put', 'patch', 'delete'] as const)
      .filter((m) => item?.[m])
      .map((m) => [`${m.toUpperCase()} ${path}`, item![m]!] as [string, OpenAPIV3.OperationObject]),
  );
}

/** Every schema in the document: components, parameters, request bodies and responses. */
function allSchemas(d: Doc): [string, unknown][] {
  const out: [string, unknown][] = Object.entries(d.components?.schemas ?? {}).map(([n, s]) => [
    `#/components/schemas/${n}`,
    s,
  ]);
  for (const [name, op] of operations(d)) {
    for (const p of (op.parameters ?? []) as OpenAPIV3.ParameterObject[])
      out.push([`${name} ${p.name}`, p.schema]);
    const body = op.requestBody as OpenAPIV3.RequestBodyObject | undefined;
    for (const [type, media] of Object.entries(body?.content ?? {}))
      out.push([`${name} body ${type}`, media.schema]);
    for (const [status, res] of Object.entries(op.responses)) {
      for (const [type, media] of Object.entries((res as OpenAPIV3.ResponseObject).content ?? {}))
        out.push([`${name} ${status} ${type}`, media.schema]);
    }
  }
  return out;
}

beforeAll(async () => {
  h = await apiHarness();
  doc = (await h.app.inject({ url: '/docs/json' })).json();
});

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.0 with a title, a version and the bearer scheme', () => {
    expect(doc.openapi).toBe('3.0.3');
    expect(doc.info.title).toBeTruthy();
    expect(doc.info.version).toBeTruthy();
    expect(doc.components?.securitySchemes?.bearerAuth).toEqual(
      expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    );
  });

  it('lists every route, and nothing else', () => {
    expect(
      operations(doc)
        .map(([name]) => name)
        .sort(),
    ).toEqual([...EXPECTED_OPERATIONS].sort());
  });

  it('gives every operation a unique operationId and documented responses with JSON or text bodies', () => {
    const ids = operations(doc).map(([, op]) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const [name, op] of operations(doc)) {
      const statuses = Object.keys(op.responses);
      expect(
        statuses.some((s) => /^2\d\d$/.test(s)),
        name,
      ).toBe(true);
      for (const s of statuses) expect(s, name).toMatch(/^[1-5]\d\d$/);
      for (const [status, res] of Object.entries(op.responses)) {
        expect((res as OpenAPIV3.ResponseObject).description, `${name} ${status}`).toBeTruthy();
        if (status !== '204')
          expect((res as OpenAPIV3.ResponseObject).content, `${name} ${status}`).toBeTruthy();
      }
    }
  });

  it('secures every /v1 operation with the bearer scheme and documents 401 for it', () => {
    for (const [name, op] of operations(doc).filter(([n]) => n.includes(' /v1/'))) {
      expect(op.security, name).toEqual([{ bearerAuth: [] }]);
      expect(Object.keys(op.responses), name).toContain('401');
      expect(Object.keys(op.responses), name).toContain('429');
    }
  });

  it('links a new revocation to the operations that read and lift it', () => {
    const ids = new Set(operations(doc).map(([, op]) => op.operationId));
    const links =
      (doc.paths['/v1/revocations']!.post!.responses['201'] as OpenAPIV3.ResponseObject).links ?? {};
    expect(Object.keys(links).sort()).toEqual(['deleteRevocation', 'getRevocation']);
    for (const link of Object.values(links) as OpenAPIV3.LinkObject[])
      expect(ids.has(link.operationId)).toBe(true);
  });

  it('declares each path parameter, as required', () => {
    for (const [name, op] of operations(doc)) {
      const inPath = [...name.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const declared = ((op.parameters ?? []) as OpenAPIV3.ParameterObject[]).filter((p) => p.in === 'path');
      expect(declared.map((p) => p.name).sort(), name).toEqual(inPath.sort());
      for (const p of declared) expect(p.required, `${name} ${p.name}`).toBe(true);
    }
  });

  it('uses only OpenAPI 3.0 schema keywords, and every $ref resolves', () => {
    const components = doc.components?.schemas ?? {};
    for (const [at, schema] of allSchemas(doc)) {
      expect(schema, at).toBeTruthy();
      walk(schema, at, (s, where) => {
        for (const key of Object.keys(s)) expect(OAS30_KEYWORDS.has(key), `${where}: ${key}`).toBe(true);
        if (typeof s.$ref === 'string') {
          expect(s.$ref, where).toMatch(/^#\/components\/schemas\//);
          expect(components[s.$ref.split('/').pop()!], `${where} → ${s.$ref}`).toBeDefined();
        }
        if ('type' in s) expect(typeof s.type, where).toBe('string');
        // 3.0.3 ignores nullable without a type beside it.
        if (s.nullable) expect(typeof s.type, `${where}: nullable without type`).toBe('string');
        // 3.0 takes draft-04's boolean form, beside minimum/maximum.
        for (const k of ['exclusiveMinimum', 'exclusiveMaximum'])
          if (k in s) expect(typeof s[k], `${where}: ${k}`).toBe('boolean');
      });
    }
  });

  it('describes what the API really answers (responses checked against their documented schemas)', async () => {
    // ajv understands OpenAPI 3.0's `nullable` natively.
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats.default(ajv);
    for (const [name, schema] of Object.entries(doc.components?.schemas ?? {}))
      ajv.addSchema(toDraft7(schema), `#/components/schemas/${name}`);
    await h.deps.store.put('incidents', [{ id: 'inc-000001', doc: incident(1) }]);
    await h.app.inject({
      method: 'POST',
      url: '/v1/revocations',
      headers: bearer('responder'),
      payload: { keyId: KEY, reason: 'r', ttl: '1h' },
    });
    const calls: [string, string, Record<string, string>][] = [
      ['GET /v1/incidents', '/v1/incidents', bearer('viewer')],
      ['GET /v1/incidents/{id}', '/v1/incidents/inc-000001', bearer('viewer')],
      ['GET /v1/incidents/{id}', '/v1/incidents/none', bearer('viewer')],
      ['GET /v1/keys/{keyId}', `/v1/keys/${KEY}`, bearer('viewer')],
      ['GET /v1/keys/{keyId}', '/v1/keys/bad', bearer('viewer')],
      ['GET /v1/revocations', '/v1/revocations', bearer('viewer')],
      ['GET /v1/revocations/{subjectKey}', `/v1/revocations/${KEY}`, bearer('viewer')],
      ['GET /v1/incidents', '/v1/incidents', {}],
      ['GET /healthz', '/healthz', {}],
      ['GET /readyz', '/readyz', {}],
    ];
    for (const [name, url, headers] of calls) {
      const res = await h.app.inject({ url, headers });
      const op = operations(doc).find(([n]) => n === name)![1];
      const documented = op.responses[String(res.statusCode)] as OpenAPIV3.ResponseObject | undefined;
      expect(documented, `${url} answered an undocumented ${res.statusCode}`).toBeDefined();
      const schema = documented!.content!['application/json']!.schema!;
      const validate = ajv.compile(toDraft7(schema));
      expect(validate(res.json()), `${url} ${res.statusCode}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });
});

/** OpenAPI 3.0's boolean exclusiveMinimum/Maximum in the numeric form ajv (draft-07) expects. */
function toDraft7(schema: unknown): object {
  return JSON.parse(JSON.stringify(schema), (_k, v) => {
    if (!v || typeof v !== 'object' || Array.isArray(v)) return v;
    const out = { ...v };
    if (out.exclusiveMinimum === true) [out.exclusiveMinimum, out.minimum] = [out.minimum, undefined];
    if (out.exclusiveMaximum === true) [out.exclusiveMaximum, out.maximum] = [out.maximum, undefined];
    return out;
  });
}
