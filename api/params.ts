import { z } from 'zod';

/** Incident ids are `inc-<hex>`; a narrow alphabet keeps odd bytes away from the store's URLs. */
export const IncidentId = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'expected an incident id');

const inner = (r: RegExp) => `(?:${r.source.replace(/^\^/, '').replace(/\$$/, '')})`;
const ADDRESS = [z.regexes.ipv4, z.regexes.ipv6, z.regexes.cidrv4, z.regexes.cidrv6].map(inner).join('|');

/**
 * A revocation subject in a path, as its topic key or bare: a keyId, `key:<keyId>`, an address or CIDR, or `ip:<address or CIDR>`.
 * Built from zod's own address patterns, so every value the pattern admits parses as a subject.
 */
export const SubjectParam = z
  .string()
  .max(52)
  .regex(new RegExp(`^(?:(?:key:)?[0-9a-f]{32}|(?:ip:)?(?:${ADDRESS}))$`), 'expected a keyId or an address')
  .describe('a keyId, key:<keyId>, an address or CIDR, or ip:<address or CIDR>; URL-encoded');
