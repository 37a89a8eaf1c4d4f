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

function digits(s: string, at: number, n: number): number {
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
  if (month === undefined || sign === 0 || [day, year, h, m, sec, off].some(Number.isNaN)) return null;
  if (day < 1 || day > 31 || h > 23 || m > 59 || sec > 60) return null;
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

let lastMs = Number.NaN;
let lastOffset = 0;
let lastText = '';

/** ISO-8601 in the log's own offset: "2000-10-10T13:55:36.000-07:00". Lines of one second share it. */
export function formatLogTime(t: LogTime): string {
  if (t.ms === lastMs && t.offset === lastOffset) return lastText;
  lastMs = t.ms;
  lastOffset = t.offset;
  lastText = format(t);
  return lastText;
}

function format(t: LogTime): string {
  if (t.offset === 0) return new Date(t.ms).toISOString();
  const local = new Date(t.ms + t.offset * 60_000).toISOString().slice(0, -1);
  const a = Math.abs(t.offset);
  return `${local}${t.offset < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}
