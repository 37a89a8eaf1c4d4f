/**
 * Confusion counts of a scored, labelled list, overall and per category.
 *
 * Per category the row counts only that category's records, so an attack category has tp/fn and a
 * benign category fp/tn. Rates are null when undefined: tpr = tp / (tp + fn) when the row has
 * positives, else null; fpr = fp / (fp + tn) when it has negatives, else null.
 */
export interface Scored {
  label: 0 | 1;
  category?: string | undefined;
  /** The verdict: true when the text was flagged as an attack. */
  flagged: boolean;
}

export interface Rates {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  tpr: number | null;
  fpr: number | null;
}

export interface Evaluation {
  overall: Rates;
  categories: Record<string, Rates>;
}

export const UNCATEGORISED = '(none)';

type Counts = Omit<Rates, 'tpr' | 'fpr'>;

function rates(c: Counts): Rates {
  return {
    ...c,
    tpr: c.tp + c.fn > 0 ? c.tp / (c.tp + c.fn) : null,
    fpr: c.fp + c.tn > 0 ? c.fp / (c.fp + c.tn) : null,
  };
}

function add(c: Counts, r: Scored): void {
  if (r.label === 1) r.flagged ? c.tp++ : c.fn++;
  else r.flagged ? c.fp++ : c.tn++;
}

export function evaluate(records: Iterable<Scored>): Evaluation {
  const overall: Counts = { tp: 0, fp: 0, tn: 0, fn: 0 };
  const byCategory = new Map<string, Counts>();
  for (const r of records) {
    add(overall, r);
    const key = r.category ?? UNCATEGORISED;
    let c = byCategory.get(key);
    if (c === undefined) {
      c = { tp: 0, fp: 0, tn: 0, fn: 0 };
      byCategory.set(key, c);
    }
    add(c, r);
  }
  const categories: Record<string, Rates> = {};
  for (const key of [...byCategory.keys()].sort()) categories[key] = rates(byCategory.get(key) as Counts);
  return { overall: rates(overall), categories };
}
