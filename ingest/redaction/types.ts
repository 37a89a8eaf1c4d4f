/** What redaction replaces, each with its placeholder: the counts in `prompt.redactions` use these names. */
export const PLACEHOLDERS = {
  email: '[EMAIL]',
  phone: '[PHONE]',
  card: '[CARD]',
  national_id: '[NATIONAL_ID]',
  ip: '[IP]',
  api_key: '[API_KEY]',
  bearer_token: '[BEARER_TOKEN]',
  jwt: '[JWT]',
  private_key: '[PRIVATE_KEY]',
  password: '[PASSWORD]',
  secret: '[SECRET]',
} as const;

export type RedactionType = keyof typeof PLACEHOLDERS;

export const REDACTION_TYPES = Object.keys(PLACEHOLDERS) as RedactionType[];

/** A span to replace: [start, end) of the text becomes the type's placeholder. */
export interface Span {
  start: number;
  end: number;
  type: RedactionType;
}

/**
 * One detector family. The scanner calls `match` at the detector's anchor (the first character of a
 * word for most; the `@` for e-mail, the `:` or `=` for assignments, …), in increasing order. It
 * returns the span to replace, which starts at or after `floor` (everything before that is settled),
 * or the position before which it cannot match again: the scanner does not call it again before that.
 * A detector that reads an unbounded run returns the end of that run, and one that reads a bounded
 * amount may return i + 1; either way a whole pass stays linear in the length of the text.
 */
export interface Detector {
  readonly name: string;
  match(text: string, i: number, floor: number): Span | number;
}
