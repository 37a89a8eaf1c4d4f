import { z } from 'zod';
import { DetectorName, IpRange, KeyId, Severity, SubjectKind } from '../../schemas/common.js';
import { httpUrl } from '../../schemas/config/env.js';
import { parseDuration } from './duration.js';

const Duration = z
  .string()
  .transform((s, ctx) => {
    const ms = parseDuration(s);
    if (ms === null || ms <= 0) {
      ctx.addIssue({
        code: 'custom',
        message: `expected a duration like 15m, 1h or 7d, got "${s.slice(0, 40)}"`,
      });
      return z.NEVER;
    }
    return ms;
  })
  .describe('a duration: 30s, 15m, 1h, 7d');

const Expiry = z.iso.datetime({ offset: true }).nullable().default(null);

const ChannelName = z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, 'expected a lowercase channel name');

export const ChannelDef = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('slack'), url: httpUrl }),
  z.strictObject({
    kind: z.literal('webhook'),
    url: httpUrl,
    secret: z.string().regex(/^whsec_[A-Za-z0-9+/=]{16,}$/, 'expected whsec_<base64>'),
    format: z.enum(['gatehound', 'alertmanager']).default('gatehound'),
  }),
]);
export type ChannelDef = z.infer<typeof ChannelDef>;

const Match = z
  .strictObject({
    type: z.array(DetectorName).min(1).optional(),
    severity: z.array(Severity).min(1).optional(),
    minSeverity: Severity.optional(),
    minScore: z.number().min(0).max(1).optional(),
    subjectKind: SubjectKind.optional(),
    subjectIds: z.array(z.string().min(1).max(64)).min(1).optional(),
  })
  .default({});

export const Escalation = z.strictObject({
  factor: z.number().min(1).max(100).default(4),
  window: Duration.prefault('30d'),
  max: Duration.prefault('7d'),
});

const NotifyBody = z
  .strictObject({ channels: z.array(ChannelName).min(1).optional() })
  .nullable()
  .transform((v) => ({ channels: v?.channels ?? null }));
const RevokeBody = z.strictObject({ duration: Duration, escalation: Escalation.nullable().default(null) });

/**
 * `none`, `{notify: {channels?}}` or `{revoke: {duration, escalation?}}`. One object with optional keys
 * rather than a union, so a mistake is reported at its field instead of as "Invalid input".
 */
export const Action = z.preprocess(
  (v) => (v === 'none' ? { none: true } : v),
  z
    .strictObject({
      notify: NotifyBody.optional(),
      revoke: RevokeBody.optional(),
      none: z.literal(true).optional(),
    })
    .refine((a) => [a.notify, a.revoke, a.none].filter((x) => x !== undefined).length === 1, {
      message: 'expected exactly one of none, notify or revoke',
    }),
);
export type Action = z.infer<typeof Action>;

export const Rule = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, 'expected a name of letters, digits, . _ -'),
  match: Match,
  actions: z.array(Action).min(1),
  dryRun: z.boolean().default(false),
  /** Stop evaluating later rules once this one matched. */
  final: z.boolean().default(false),
});
export type Rule = z.infer<typeof Rule>;

const AllowKey = z.strictObject({ id: KeyId, expiresAt: Expiry, note: z.string().max(256).optional() });
const AllowIp = z.strictObject({ range: IpRange, expiresAt: Expiry, note: z.string().max(256).optional() });

export const Policy = z
  .strictObject({
    channels: z.record(ChannelName, ChannelDef).default({}),
    allowlist: z
      .strictObject({ keys: z.array(AllowKey).default([]), ips: z.array(AllowIp).default([]) })
      .prefault({}),
    rules: z.array(Rule).min(1),
  })
  .superRefine((p, ctx) => {
    const seen = new Set<string>();
    p.rules.forEach((rule, i) => {
      if (seen.has(rule.name))
        ctx.addIssue({
          code: 'custom',
          path: ['rules', i, 'name'],
          message: `duplicate rule name "${rule.name}"`,
        });
      seen.add(rule.name);
    });
  })
  .describe('gatehound response policy');
export type Policy = z.infer<typeof Policy>;
export type PolicyInput = z.input<typeof Policy>;
export type AllowlistEntry = Policy['allowlist']['keys'][number] | Policy['allowlist']['ips'][number];
