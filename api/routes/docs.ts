import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import type { Config } from '../../schemas/config.js';

/**
 * The OpenAPI 3 document, generated from the routes' zod schemas, so it cannot drift from what the
 * code validates. Registered before the routes, which it collects as they are added.
 */
export async function openApi(app: FastifyInstance, config: Config): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'gatehound API',
        description: 'Incidents, revocations and key status. Every /v1 route needs a bearer token.',
        version: '1',
      },
      servers: config.api.publicUrl ? [{ url: config.api.publicUrl }] : [],
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'roles: viewer < responder < admin' },
        },
      },
      tags: [{ name: 'incidents' }, { name: 'keys' }, { name: 'revocations' }, { name: 'health' }],
    },
    transform: jsonSchemaTransform,
    transformObject: (input) => nullableUnions(jsonSchemaTransformObject(input)),
  });
}

/**
 * OpenAPI 3.0 ignores `nullable` on a schema without `type`, which is how a union with null comes out
 * of the zod conversion; spelling null as its own branch keeps such values valid for every client.
 */
export function nullableUnions<T>(doc: T): T {
  return JSON.parse(JSON.stringify(doc), (_key, value) => {
    if (value?.nullable !== true || value.type !== undefined || !Array.isArray(value.anyOf)) return value;
    const { nullable: _, ...rest } = value;
    return { ...rest, anyOf: [...value.anyOf, { type: 'string', nullable: true, enum: [null] }] };
  });
}

/** The browsable UI at /docs with /docs/json, under a CSP that allows only its own scripts and styles. */
export async function docsUi(app: FastifyInstance): Promise<void> {
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { validatorUrl: null },
    staticCSP: true,
    // The UI's own policy, tightened: no framing, no third-party validator, no upgrade on plain-HTTP setups.
    transformStaticCSP: (header) =>
      header
        .replace("frame-ancestors 'self'", "frame-ancestors 'none'")
        .replace(' validator.swagger.io', '')
        .replace(' upgrade-insecure-requests;', ''),
  });
}
