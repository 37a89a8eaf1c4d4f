import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { ApiRole, ApiToken } from '../schemas/config.js';
import { ApiError } from './errors.js';

export interface Principal {
  /** The token's name from the configuration: what audit records and revocations name as the actor. */
  name: string;
  role: ApiRole;
}

const RANK: Record<ApiRole, number> = { viewer: 0, responder: 1, admin: 2 };
// Token characters of RFC 6750; a bound on length keeps hashing cheap for hostile input.
const BEARER = /^Bearer ([A-Za-z0-9\-._~+/]{1,512}=*)$/i;
const CHALLENGE = 'Bearer realm="gatehound"';

export function sha256Hex(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Checks bearer tokens against their configured SHA-256 hashes. Every configured hash is compared,
 * in constant time, whether or not an earlier one matched, so timing says nothing about which is close.
 */
export class Authenticator {
  private readonly tokens: { principal: Principal; hash: Buffer }[];

  constructor(tokens: readonly ApiToken[]) {
    this.tokens = tokens.map((t) => ({
      principal: { name: t.name, role: t.role },
      hash: Buffer.from(t.sha256, 'hex'),
    }));
  }

  /** The caller, or an ApiError 401 (no or unknown token) / 403 (role too weak). */
  authorize(request: FastifyRequest, needed: ApiRole): Principal {
    const header = request.headers.authorization;
    if (!header)
      throw new ApiError('unauthorized', 'a bearer token is required', [], { 'www-authenticate': CHALLENGE });
    const principal = this.identify(header);
    if (!principal) {
      throw new ApiError('unauthorized', 'the bearer token is not valid', [], {
        'www-authenticate': `${CHALLENGE}, error="invalid_token"`,
      });
    }
    request.principal = principal;
    if (RANK[principal.role] < RANK[needed])
      throw new ApiError('forbidden', `this call needs the ${needed} role`);
    return principal;
  }

  private identify(header: string): Principal | null {
    const match = BEARER.exec(header);
    if (!match) return null;
    const presented = createHash('sha256').update(match[1]!, 'utf8').digest();
    let found: Principal | null = null;
    for (const t of this.tokens) if (timingSafeEqual(presented, t.hash)) found = t.principal;
    return found;
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set once the bearer token is recognised (also when its role then proves too weak). */
    principal: Principal | null;
  }
}
