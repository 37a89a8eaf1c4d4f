import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { Config, ENV_SETTINGS, type EnvSetting, type EnvType } from '../schemas/config.js';
import { GatehoundError } from './errors.js';

/** Variables read elsewhere (the config file's own location, the local stack launcher). */
const OTHER_ENV = new Set(['GATEHOUND_CONFIG_FILE']);
const OTHER_ENV_PREFIXES = ['GATEHOUND_STACK_'];

export interface LoadConfigOptions {
  env?: NodeJS.ProcessEnv;
  /** A YAML file with the same shape as the Config schema; environment variables override it. */
  file?: string | null;
}

interface Problem {
  where: string;
  message: string;
}

export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env;
  const file = options.file ?? nonEmpty(env.GATEHOUND_CONFIG_FILE) ?? null;
  const problems: Problem[] = [];
  const raw: Record<string, unknown> = file ? readConfigFile(file, problems) : {};
  // Which environment variable set each path, so a validation error can name the variable.
  const origin = new Map<string, string>();

  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('GATEHOUND_') || value === undefined) continue;
    const direct = ENV_SETTINGS[name];
    const viaFile = name.endsWith('_FILE') ? ENV_SETTINGS[name.slice(0, -'_FILE'.length)] : undefined;
    if (direct) {
      if (value === '') continue;
      applyEnv(raw, origin, name, direct, value, problems);
    } else if (viaFile?.secret) {
      if (value === '') continue;
      const base = name.slice(0, -'_FILE'.length);
      if (nonEmpty(env[base])) {
        problems.push({ where: name, message: `set either ${base} or ${name}, not both` });
        continue;
      }
      const content = readSecretFile(name, value, problems);
      if (content !== null) applyEnv(raw, origin, name, viaFile, content, problems);
    } else if (!OTHER_ENV.has(name) && !OTHER_ENV_PREFIXES.some((p) => name.startsWith(p))) {
      problems.push({ where: name, message: `unknown setting${suggest(name)}` });
    }
  }

  if (problems.length === 0) {
    const parsed = Config.safeParse(raw);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) problems.push(describeIssue(issue, origin, file));
  }
  throw new GatehoundError(
    'CONFIG_INVALID',
    `invalid configuration:\n${problems.map((p) => `  ${p.where}: ${p.message}`).join('\n')}`,
    { details: { problems } },
  );
}

function applyEnv(
  raw: Record<string, unknown>,
  origin: Map<string, string>,
  name: string,
  setting: EnvSetting,
  value: string,
  problems: Problem[],
): void {
  const converted = convert(value, setting.type);
  if (!converted.ok) {
    const shown = setting.secret
      ? ''
      : `, got ${JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value)}`;
    problems.push({ where: name, message: `expected ${converted.expected}${shown}` });
    return;
  }
  setPath(raw, setting.path, converted.value);
  origin.set(setting.path.join('.'), name);
}

type Converted = { ok: true; value: unknown } | { ok: false; expected: string };

function convert(value: string, type: EnvType): Converted {
  const v = value.trim();
  switch (type) {
    case 'string':
      return { ok: true, value: v };
    case 'int':
      return /^-?\d+$/.test(v) ? { ok: true, value: Number(v) } : { ok: false, expected: 'an integer' };
    case 'bool':
      if (/^(true|1|yes|on)$/i.test(v)) return { ok: true, value: true };
      if (/^(false|0|no|off)$/i.test(v)) return { ok: true, value: false };
      return { ok: false, expected: 'true or false' };
    case 'list':
      return {
        ok: true,
        value: v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      };
    case 'json':
      try {
        return { ok: true, value: JSON.parse(v) };
      } catch {
        return { ok: false, expected: 'valid JSON' };
      }
  }
}

function readConfigFile(file: string, problems: Problem[]): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    problems.push({
      where: 'GATEHOUND_CONFIG_FILE',
      message: `cannot read ${file} (${(err as NodeJS.ErrnoException).code})`,
    });
    return {};
  }
  try {
    const doc: unknown = parseYaml(text);
    if (doc === null || doc === undefined) return {};
    if (typeof doc !== 'object' || Array.isArray(doc)) {
      problems.push({ where: file, message: 'expected a YAML mapping at the top level' });
      return {};
    }
    return doc as Record<string, unknown>;
  } catch (err) {
    problems.push({ where: file, message: `not valid YAML: ${(err as Error).message.split('\n')[0]}` });
    return {};
  }
}

function readSecretFile(name: string, file: string, problems: Problem[]): string | null {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (err) {
    problems.push({ where: name, message: `cannot read ${file} (${(err as NodeJS.ErrnoException).code})` });
    return null;
  }
}

function describeIssue(issue: z.core.$ZodIssue, origin: Map<string, string>, file: string | null): Problem {
  const path = issue.path.map(String);
  // An issue deep inside a JSON-valued variable (e.g. GATEHOUND_API_TOKENS[0].sha256) belongs to that variable.
  for (let i = path.length; i > 0; i--) {
    const name = origin.get(path.slice(0, i).join('.'));
    if (name) {
      const rest = path.slice(i);
      return { where: rest.length ? `${name} (${rest.join('.')})` : name, message: issueMessage(issue) };
    }
  }
  const dotted = path.join('.') || '(top level)';
  return { where: file ? `${dotted} (in ${file})` : dotted, message: issueMessage(issue) };
}

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys')
    return `unknown setting(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  if (issue.code === 'invalid_value')
    return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  return issue.message;
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v;
}

function suggest(name: string): string {
  const known = Object.keys(ENV_SETTINGS);
  const close = known.find((k) => editDistance(k, name) <= 2);
  return close ? ` (did you mean ${close}?)` : '';
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}
