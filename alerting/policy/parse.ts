import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { GatehoundError } from '../../infra/errors.js';
import { Policy } from './schema.js';

export interface PolicyProblem {
  line: number | null;
  where: string;
  message: string;
}

/**
 * Parses and validates a policy file. Every problem is reported at once, each with its line and the
 * rule it belongs to, e.g. `policy.yaml:12: rules[1] "revoke-keys" actions.0.revoke.duration: ...`.
 * `channels` are the channel names that exist besides the file's own (those from the environment).
 */
export function parsePolicy(text: string, source: string, channels: readonly string[] = []): Policy {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  let problems: PolicyProblem[] = doc.errors.map((e) => ({
    line: e.linePos?.[0]?.line ?? null,
    where: '(yaml)',
    message: (e.message.split('\n')[0] ?? e.message).replace(/ at line \d+, column \d+:?$/, ''),
  }));
  if (problems.length === 0) {
    const raw: unknown = doc.toJS();
    const parsed = Policy.safeParse(raw);
    const found = parsed.success
      ? unknownChannels(parsed.data, channels)
      : parsed.error.issues.map((i) => ({
          path: i.path.map(String).join('.') || '(root)',
          message: i.message,
        }));
    if (parsed.success && found.length === 0) return parsed.data;
    const rules = (raw as { rules?: unknown } | null)?.rules;
    problems = found.map((f) => ({
      line: lineOf(doc, lines, f.path),
      where: Array.isArray(rules) ? withRuleName(rules, f.path) : f.path,
      message: f.message,
    }));
  }
  throw new GatehoundError(
    'CONFIG_INVALID',
    `invalid policy ${source}:\n${problems
      .map((p) => `  ${source}${p.line ? `:${p.line}` : ''}: ${p.where}: ${p.message}`)
      .join('\n')}`,
    { details: { problems } },
  );
}

function unknownChannels(policy: Policy, extra: readonly string[]): { path: string; message: string }[] {
  const known = new Set([...Object.keys(policy.channels), ...extra]);
  return policy.rules.flatMap((rule, i) =>
    rule.actions.flatMap((action, j) =>
      (action.notify?.channels ?? []).flatMap((name, k) =>
        known.has(name)
          ? []
          : [
              {
                path: `rules.${i}.actions.${j}.notify.channels.${k}`,
                message: `unknown channel "${name}" (known: ${[...known].join(', ') || 'none'})`,
              },
            ],
      ),
    ),
  );
}

/** "rules.1.actions.0" → `rules.1 "revoke-keys" actions.0`, so the reader finds the rule by name. */
function withRuleName(rules: readonly unknown[], path: string): string {
  const m = /^rules\.(\d+)(.*)$/.exec(path);
  const rule = m ? rules[Number(m[1])] : undefined;
  const name = rule && typeof rule === 'object' ? (rule as { name?: unknown }).name : undefined;
  return m && typeof name === 'string' ? `rules.${m[1]} "${name}"${m[2]}` : path;
}

/** The line of the deepest node of `path` present in the document. */
function lineOf(doc: ReturnType<typeof parseDocument>, lines: LineCounter, path: string): number | null {
  const parts = path.split('.');
  let node: unknown = doc.contents;
  let offset: number | null = rangeStart(node);
  for (const part of parts) {
    const next = isMap(node) ? node.get(part, true) : isSeq(node) ? node.get(Number(part), true) : undefined;
    if (next === undefined) break;
    node = next;
    offset = rangeStart(node) ?? offset;
  }
  return offset === null ? null : lines.linePos(offset).line;
}

function rangeStart(node: unknown): number | null {
  if (isMap(node) || isSeq(node) || isScalar(node)) return node.range?.[0] ?? null;
  return null;
}
