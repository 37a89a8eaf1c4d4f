import { isIP } from 'node:net';
import type { RevocationSet } from '../infra/revocations.js';
import type { Revocation, RevocationSubject } from '../schemas/revocation.js';
import { revocationKey, RevocationSubject as SubjectSchema } from '../schemas/revocation.js';
import { ApiError } from './errors.js';

/**
 * One spelling per address or range ("2001:DB8:0::1/64" → "2001:db8::1/64"), so the same subject
 * always has the same topic key and a tombstone really replaces the record it reinstates.
 */
export function canonicalSubject(subject: RevocationSubject): RevocationSubject {
  if (subject.kind === 'key') return subject;
  const [address, prefix] = subject.id.split('/') as [string, string | undefined];
  const canonical = isIP(address) === 6 ? new URL(`http://[${address}]/`).hostname.slice(1, -1) : address;
  return { kind: 'ip', id: prefix === undefined ? canonical : `${canonical}/${prefix}` };
}

/** A path subject (see SubjectParam): a keyId, `key:<keyId>`, `ip:<address or CIDR>` or a bare address. */
export function parseSubjectParam(param: string): RevocationSubject {
  const [kind, id] = /^[0-9a-f]{32}$/.test(param)
    ? ['key', param]
    : /^(key|ip):/.test(param)
      ? [param.slice(0, param.indexOf(':')), param.slice(param.indexOf(':') + 1)]
      : ['ip', param];
  const parsed = SubjectSchema.safeParse({ kind, id });
  if (!parsed.success) {
    const message = 'expected a keyId, key:<keyId> or ip:<address or CIDR>';
    throw new ApiError('invalid_request', `invalid request: subjectKey: ${message}`, [
      { in: 'params', field: 'subjectKey', message },
    ]);
  }
  return canonicalSubject(parsed.data);
}

/** The revocation in force for exactly this subject (a range matches only itself, not its members). */
export function findRevocation(set: RevocationSet, subject: RevocationSubject): Revocation | null {
  if (subject.kind === 'key') {
    const verdict = set.checkKey(subject.id);
    return verdict.revoked ? verdict.revocation : null;
  }
  const key = revocationKey(subject);
  return set.active().find((r) => revocationKey(canonicalSubject(r.subject)) === key) ?? null;
}
