/** Event times as logs write them, kept with their offset so replays from other zones stay comparable. */
export interface LogTime {
  ms: number;
  /** Offset from UTC in minutes, as written in the log. */
  offset: number;
}

const MONTHS: Record<string, number> = {
  Jan: 0,
  Feb: 1,
  Mar: 2,
  Apr: 3,
  May: 4,
  Jun: 5,
  Jul: 6,
  Aug: 7,
  Sep: 8,
  Oct: 9,
  Nov: 10,
  Dec: 11,
};

/** The number the `n` digits at `at` spell; NaN when one is not a digit (NaN fails every comparison). */
export function digits(s: string, at: number, n: number): number {
  let v = 0;
  for (let k = at; k < at + n; k++) {
    const c = s.charCodeAt(k) - 48;
    if (c < 0 || c > 9) return Number.NaN;
    v = v * 10 + c;
  }
  return v;
}

/** nginx `$time_local`: "10/Oct/2000:13:55:36 -0700". */
export function parseTimeLocal(s: string): LogTime | null {
  if (s.length !== 26 || s[2] !== '/' || s[6] !== '/' || s[11] !== ':' || s[20] !== ' ') return null;
  const day = digits(s, 0, 2);
  const month = MONTHS[s.slice(3, 6)];
  const year = digits(s, 7, 4);
  const h = digits(s, 12, 2);
  const m = digits(s, 15, 2);
  const sec = digits(s, 18, 2);
  const sign = s[21] === '-' ? -1 : s[21] === '+' ? 1 : 0;
  const off = digits(s, 22, 2) * 60 + digits(s, 24, 2);
  if (month === undefined || sign === 0) return null;
  // Written so that NaN (a non-digit) fails: it fails every comparison.
  const inRange = day >= 1 && day <= 31 && h <= 23 && m <= 59 && sec <= 60 && h >= 0 && m >= 0 && sec >= 0;
  if (!(inRange && year >= 0 && off >= 0)) return null;
  const offset = sign * off;
  return { ms: Date.UTC(year, month, day, h, m, sec) - offset * 60_000, offset };
}

/** ISO-8601 with an offset or Z ("2026-11-30T12:00:00+02:00", `$time_iso8601`); a time without one is refused. */
export function parseIsoTime(s: string): LogTime | null {
  const ms = Date.parse(s);
  if (Number.isNaN(ms)) return null;
  if (s.endsWith('Z') || s.endsWith('z')) return { ms, offset: 0 };
  const tail = s.slice(-6);
  if ((tail[0] === '+' || tail[0] === '-') && tail[3] === ':') {
    const off = digits(tail, 1, 2) * 60 + digits(tail, 4, 2);
    return Number.isNaN(off) ? null : { ms, offset: tail[0] === '-' ? -off : off };
  }
  return null;
}

/** Seconds since the epoch with a fraction (`$msec`, "1700000000.123"), or a number of them. */
export function parseEpochSeconds(v: string | number): LogTime | null {
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) && n > 0 ? { ms: Math.round(n * 1000), offset: 0 } : null;
}

/** Epoch milliseconds (Kong's `started_at`). */
export function parseEpochMillis(v: unknown): LogTime | null {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? { ms: Math.round(v), offset: 0 } : null;
}

const DAY_MS = 86_400_000;
/** The largest time a Date holds, either side of 1970. */
const MAX_TIME = 8.64e15;
const TWO = Array.from({ length: 60 }, (_, n) => String(n).padStart(2, '0'));
const THREE = Array.from({ length: 1000 }, (_, n) => String(n).padStart(3, '0'));

// The day's "YYYY-MM-DDT" comes from Date once per day; the time of day is arithmetic (Date and
// toISOString per line cost more than the rest of a line's parse).
let dayStart = Number.NaN;
let dayPrefix = '';
let suffixOffset = 0;
let suffix = 'Z';

/** ISO-8601 in the log's own offset: "2000-10-10T13:55:36.000-07:00". */
export function formatLogTime(t: LogTime): string {
  // As Date does: a fraction of a millisecond is cut off, and an invalid time throws a RangeError.
  const local = Math.trunc(t.ms + t.offset * 60_000);
  if (!(Math.abs(local) <= MAX_TIME)) throw new RangeError('Invalid time value');
  if (!(local >= dayStart && local < dayStart + DAY_MS)) {
    dayStart = local - (((local % DAY_MS) + DAY_MS) % DAY_MS);
    dayPrefix = new Date(dayStart).toISOString().slice(0, -13);
  }
  if (t.offset !== suffixOffset) {
    const a = Math.abs(t.offset);
    suffixOffset = t.offset;
    suffix =
      t.offset === 0
        ? 'Z'
        : `${t.offset < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
  }
  let rest = local - dayStart;
  const ms = rest % 1000;
  rest = (rest - ms) / 1000;
  const sec = rest % 60;
  rest = (rest - sec) / 60;
  const min = rest % 60;
  return `${dayPrefix}${TWO[(rest - min) / 60]}:${TWO[min]}:${TWO[sec]}.${THREE[ms]}${suffix}`;
}
