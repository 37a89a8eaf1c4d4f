import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RE2JS } from 're2js';
import { parse as parseYaml } from 'yaml';
import { GatehoundError } from '../../infra/errors.js';
import { buildPrefilter, type Prefilter } from './prefilter.js';
import { PackFile, type View, WEB_CATEGORIES, type Where } from './schema.js';

export interface Signature {
  id: string;
  category: string;
  weight: number;
  where: ReadonlySet<Where>;
  view: View;
  regex: RE2JS;
  /** Literals of which one must occur for the regex to run; null: always runs. */
  prefilter: readonly string[] | null;
  /** A second group of literals of which one must occur too; null: none. */
  requires: readonly string[] | null;
  /** True when the pattern anchors on the text's start or end, so it must see the whole text. */
  anchored: boolean;
  /** True when the pattern only matches at the text's start ("^..." without "$" or multi-line mode), so the head is enough. */
  prefix: boolean;
  description: string;
  source: string;
}

export interface Pack {
  signatures: readonly Signature[];
  prefilters: Readonly<Record<View, Prefilter>>;
}

export interface LoadPackOptions {
  /** An operator's pack: a YAML file, or a directory of them. */
  file?: string;
  /** `merge` (default): the operator's signatures are added, replacing built-in ones with the same id; `replace`: only the operator's. */
  mode?: 'merge' | 'replace';
}

const DEFAULT_WHERE: readonly Where[] = ['prompt'];
/** An unescaped ^ or $ (negated classes "[^" removed first). */
const ANCHOR = /(?:^|[^\\])[$^]/;

function invalid(source: string, message: string): never {
  throw new GatehoundError('SIGNATURE_PACK_INVALID', `signature pack ${source}: ${message}`);
}

/** The built-in pack ships beside this module in the source tree; the compiled module finds it there too. */
export function builtinPackDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.join(here, 'pack'), path.resolve(here, '../../../detectors/signatures/pack')];
  const found = candidates.find((dir) => fs.existsSync(dir));
  if (!found) invalid(candidates[0] as string, 'built-in pack directory not found');
  return found;
}

function compile(id: string, pattern: string, source: string): RE2JS {
  try {
    // RE2 semantics: no backreferences or lookaround, matching time linear in the input.
    return RE2JS.compile(pattern, RE2JS.CASE_INSENSITIVE);
  } catch (err) {
    return invalid(source, `signature "${id}": invalid pattern: ${(err as Error).message}`);
  }
}

/** Parses and validates one pack file's text; `source` names it in errors. */
export function parsePackText(text: string, source: string): Signature[] {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    invalid(source, `not valid YAML: ${(err as Error).message}`);
  }
  const parsed = PackFile.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => {
      const at = i.path;
      const entry =
        at[0] === 'signatures' && typeof at[1] === 'number'
          ? (raw as { signatures: { id?: unknown }[] }).signatures[at[1]]?.id
          : undefined;
      return `${entry === undefined ? '' : `signature "${String(entry)}": `}${at.join('.')}: ${i.message}`;
    });
    invalid(source, issues.join('; '));
  }
  const file = parsed.data;
  return file.signatures.map((entry) => {
    const category = entry.category ?? file.category;
    if (!category) invalid(source, `signature "${entry.id}": no category (set one on the entry or the file)`);
    return {
      id: entry.id,
      category,
      weight: entry.weight,
      where: new Set(entry.where ?? file.where ?? DEFAULT_WHERE),
      view: entry.view ?? (WEB_CATEGORIES.has(category) ? 'web' : 'prompt'),
      regex: compile(entry.id, entry.pattern, source),
      prefilter: entry.prefilter ?? null,
      requires: entry.requires ?? null,
      anchored: ANCHOR.test(entry.pattern.replace(/\[\^/g, '[')),
      prefix:
        entry.pattern.startsWith('^') &&
        !/(?:^|[^\\])\$|\(\?[a-z]*m/.test(entry.pattern.replace(/\[\^/g, '[')),
      description: entry.description,
      source,
    };
  });
}

function readPackPath(target: string): Signature[] {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(target);
  } catch {
    return invalid(target, 'no such file or directory');
  }
  const files = stat.isDirectory()
    ? fs
        .readdirSync(target)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()
        .map((f) => path.join(target, f))
    : [target];
  return files.flatMap((f) => parsePackText(fs.readFileSync(f, 'utf8'), f));
}

/** Ids are unique within one pack; a merged operator signature replaces the built-in one of the same id. */
export function assemblePack(groups: readonly (readonly Signature[])[]): Pack {
  const byId = new Map<string, Signature>();
  for (const group of groups) {
    const seen = new Set<string>();
    for (const s of group) {
      if (seen.has(s.id)) invalid(s.source, `signature "${s.id}": duplicate id`);
      seen.add(s.id);
      byId.set(s.id, s);
    }
  }
  const signatures = [...byId.values()].filter((s) => s.weight > 0);
  return {
    signatures,
    prefilters: {
      prompt: buildPrefilter(signatures, 'prompt'),
      web: buildPrefilter(signatures, 'web'),
    },
  };
}

export function loadPack(options: LoadPackOptions = {}): Pack {
  const own = options.file === undefined ? [] : readPackPath(options.file);
  if (options.mode === 'replace') {
    if (options.file === undefined) throw new GatehoundError('USAGE', 'mode "replace" needs a pack file');
    return assemblePack([own]);
  }
  return assemblePack([readPackPath(builtinPackDir()), own]);
}

let builtin: Pack | undefined;

/** The built-in pack, loaded once. */
export function builtinPack(): Pack {
  builtin ??= loadPack();
  return builtin;
}
