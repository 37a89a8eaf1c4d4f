import { z } from 'zod';

/** Where a text was seen in a request; a signature lists the places it applies to. */
export const Where = z.enum(['prompt', 'path', 'query', 'user-agent']);
export type Where = z.infer<typeof Where>;
/** Every place a signature can apply to. */
export const WHERE_PLACES: readonly Where[] = Where.options;
/**
 * A text whose place is not known (a line of a labelled file): scanned as each part of a request
 * that carries free text. A user agent is not one: its signatures (a `${` where no client writes one)
 * would misread prompts and code.
 */
export const ANY_TEXT_PLACES: readonly Where[] = ['prompt', 'path', 'query'];

/** The normalised view a signature reads (see normalize.ts). */
export const View = z.enum(['prompt', 'web']);
export type View = z.infer<typeof View>;

const Category = z
  .string()
  .regex(/^[a-z][a-z0-9-]*$/, 'lower-case words joined by "-"')
  .max(64);

/** Literals in the normalised (lower-case) view; a signature runs only when one of them occurs. */
const Prefilter = z
  .array(
    z
      .string()
      .min(1)
      .max(64)
      .refine((s) => s === s.toLowerCase(), 'prefilter literals are matched on lower-cased text'),
  )
  .min(1);

export const SignatureEntry = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._:-]*$/, 'lower-case letters, digits and . _ : -')
    .max(128),
  category: Category.optional().describe('defaults to the file-level category'),
  pattern: z.string().min(1).max(2000).describe('RE2 syntax, matched case-insensitively on the view'),
  weight: z.number().min(0).max(1).describe('0 disables the signature (to switch off a built-in one)'),
  where: z.array(Where).min(1).optional().describe('defaults to the file-level where'),
  view: View.optional().describe('defaults to "web" for web-attack categories, else "prompt"'),
  prefilter: Prefilter.optional(),
  requires: Prefilter.optional().describe('a second literal group: one of these must occur as well'),
  description: z.string().min(1).max(500),
});
export type SignatureEntry = z.infer<typeof SignatureEntry>;

export const PackFile = z.strictObject({
  category: Category.optional(),
  where: z.array(Where).min(1).optional(),
  rationale: z.string().optional().describe('why this family looks the way it does; not used at run time'),
  signatures: z.array(SignatureEntry),
});
export type PackFile = z.infer<typeof PackFile>;

export const WEB_CATEGORIES: ReadonlySet<string> = new Set([
  'sqli',
  'xss',
  'path-traversal',
  'cmdi',
  'ssrf',
  'ssti',
  'code-injection',
]);
