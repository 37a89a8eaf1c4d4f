import { type Metrics, met } from './metric.js';

function num(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) >= 100) return Math.round(v).toLocaleString('en-US');
  return Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3);
}

/** The suite's table: figure, median, min, max, unit, target, met. Pure, so it is unit-tested. */
export function formatTable(metrics: Metrics): string {
  const rows = [
    ['figure', 'median', 'min', 'max', 'unit', 'target', 'met'],
    ...Object.entries(metrics).map(([name, m]) => {
      const ok = met(m);
      return [
        name,
        num(m.median),
        num(m.min),
        num(m.max),
        m.unit,
        m.target ? `${m.target.op} ${num(m.target.value)}` : '',
        ok === null ? '' : ok ? 'yes' : 'NO',
      ];
    }),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const numeric = new Set([1, 2, 3]);
  return rows
    .map((r) =>
      r
        .map((cell, c) => (numeric.has(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
