import type { ReplayProgress } from './replay.js';

const n = (v: number) => Math.round(v).toLocaleString('en-US');

function rate(p: ReplayProgress): number {
  return p.elapsedMs > 0 ? (p.read * 1000) / p.elapsedMs : 0;
}

function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** One redrawable terminal line: a bar when the size is known, then counts, rate and ETA. */
export function progressBar(p: ReplayProgress, width = 24): string {
  const lps = rate(p);
  const parts: string[] = [];
  if (p.totalBytes) {
    const frac = Math.min(1, p.bytes / p.totalBytes);
    const filled = Math.round(frac * width);
    parts.push(
      `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(frac * 100)).padStart(3)}%`,
    );
  }
  parts.push(
    `${n(p.read)} lines`,
    `${n(p.produced)} produced`,
    `${n(p.rejected)} rejected`,
    `${n(lps)} lines/s`,
  );
  if (p.totalBytes && p.bytes > 0 && p.elapsedMs > 0 && !p.done) {
    const bytesPerMs = p.bytes / p.elapsedMs;
    parts.push(`ETA ${clock((p.totalBytes - p.bytes) / bytesPerMs / 1000)}`);
  }
  return parts.join('  ');
}

/** A plain progress line for logs and pipes. */
export function progressLine(p: ReplayProgress): string {
  const pct = p.totalBytes ? ` (${Math.floor((100 * p.bytes) / p.totalBytes)}%)` : '';
  return `replay: ${n(p.read)} lines read${pct}, ${n(p.produced)} produced, ${n(p.rejected)} rejected, ${n(rate(p))} lines/s`;
}

export function summary(p: ReplayProgress, dlqTopic: string): string {
  const dead = p.rejected > 0 ? ` (dead-lettered to ${dlqTopic})` : '';
  return `replay: read ${n(p.read)} lines, produced ${n(p.produced)}, rejected ${n(p.rejected)}${dead} in ${(p.elapsedMs / 1000).toFixed(1)} s (${n(rate(p))} lines/s)`;
}

/**
 * Progress on a stream: on a terminal one line redrawn in place a few times a second; otherwise a
 * plain line every `plainIntervalMs`, so CI logs and pipes get a readable record.
 */
export class ProgressReporter {
  private last = 0;
  private drawn = false;

  constructor(
    private readonly out: NodeJS.WritableStream & { isTTY?: boolean; columns?: number },
    private readonly plainIntervalMs = 5000,
  ) {}

  update(p: ReplayProgress): void {
    if (this.out.isTTY) {
      const line = progressBar(p).slice(0, (this.out.columns ?? 120) - 1);
      this.out.write(`\r\x1b[2K${line}`);
      this.drawn = true;
      return;
    }
    const now = Date.now();
    if (now - this.last < this.plainIntervalMs) return;
    this.last = now;
    this.out.write(`${progressLine(p)}\n`);
  }

  finish(p: ReplayProgress, dlqTopic: string): void {
    if (this.drawn) this.out.write('\r\x1b[2K');
    this.out.write(`${summary(p, dlqTopic)}\n`);
  }
}
