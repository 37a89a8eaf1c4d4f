import { randomBytes } from 'node:crypto';
import { type FileHandle, mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../infra/logger.js';

const SEGMENT_BYTES = 8 * 1024 * 1024;
/** Owners of the spools open in this process (a proxy and a Fastify plugin may share a directory). */
const LIVE_OWNERS = new Set<string>();
const SUFFIX = '.jsonl';

/** One closed segment handed out to be sent; `ack` it once the bus has everything in it. */
export interface SpoolSegment {
  name: string;
  lines: string[];
  bytes: number;
}

export interface SpoolOptions {
  dir: string;
  maxBytes: number;
  segmentBytes?: number;
  log: Logger;
}

/**
 * Events waiting for Kafka, on local disk: JSON Lines segments of RequestEvent v1, so a segment is
 * also a file `gatehound replay --format jsonl` reads. Segments are named
 * `<ms>-<seq>.<pid>-<nonce>.jsonl`: the time orders them, the owner part says which process writes
 * them. At start-up a process adopts the segments of owners that are gone (a previous run, a crash)
 * by renaming them to itself; a rename is atomic, so two gateways sharing a directory never send the
 * same segment twice. Bounded by `maxBytes`: past it `append` refuses and the caller counts the loss.
 */
export class Spool {
  private readonly owner = `${process.pid}-${randomBytes(3).toString('hex')}`;
  private readonly closed: string[] = [];
  private readonly sizes = new Map<string, number>();
  private active: { name: string; handle: FileHandle; bytes: number } | null = null;
  private seq = 0;
  private total = 0;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly segmentBytes: number;

  private constructor(private readonly options: SpoolOptions) {
    this.segmentBytes = options.segmentBytes ?? SEGMENT_BYTES;
  }

  static async open(options: SpoolOptions): Promise<Spool> {
    const spool = new Spool(options);
    LIVE_OWNERS.add(spool.owner);
    await mkdir(options.dir, { recursive: true });
    await spool.adopt();
    return spool;
  }

  get dir(): string {
    return this.options.dir;
  }

  get bytes(): number {
    return this.total;
  }

  /** True when some segment holds events not yet acknowledged. */
  hasPending(): boolean {
    return this.closed.length > 0 || (this.active !== null && this.active.bytes > 0);
  }

  /** Appends events (one JSON document each): 'full' past maxBytes, 'error' when the disk refused. */
  append(lines: string[]): Promise<'ok' | 'full' | 'error'> {
    return this.serial(async () => {
      if (lines.length === 0) return 'ok';
      const data = `${lines.join('\n')}\n`;
      const size = Buffer.byteLength(data);
      if (this.total + size > this.options.maxBytes) return 'full';
      try {
        if (this.active && this.active.bytes + size > this.segmentBytes && this.active.bytes > 0)
          await this.rotate();
        if (!this.active) await this.startSegment();
        const active = this.active!;
        await active.handle.write(data);
        active.bytes += size;
        this.sizes.set(active.name, active.bytes);
        this.total += size;
        return 'ok';
      } catch (err) {
        this.options.log.error({ err, dir: this.options.dir }, 'cannot write to the spool');
        return 'error';
      }
    });
  }

  /** The oldest segment, closing the one being written if it is the only one; null when empty. */
  takeOldest(): Promise<SpoolSegment | null> {
    return this.serial(async () => {
      if (this.closed.length === 0 && this.active && this.active.bytes > 0) await this.rotate();
      const name = this.closed[0];
      if (name === undefined) return null;
      let text: string;
      try {
        text = await readFile(join(this.options.dir, name), 'utf8');
      } catch (err) {
        this.options.log.error({ err, segment: name }, 'cannot read a spool segment; leaving it in place');
        this.closed.shift();
        this.total -= this.sizes.get(name) ?? 0;
        this.sizes.delete(name);
        return null;
      }
      const lines = text.split('\n').filter((l) => l !== '');
      return { name, lines, bytes: this.sizes.get(name) ?? Buffer.byteLength(text) };
    });
  }

  /** Deletes a segment whose events the bus has acknowledged. */
  ack(segment: SpoolSegment): Promise<void> {
    return this.serial(async () => {
      const i = this.closed.indexOf(segment.name);
      if (i < 0) return;
      this.closed.splice(i, 1);
      this.total -= this.sizes.get(segment.name) ?? 0;
      this.sizes.delete(segment.name);
      await unlink(join(this.options.dir, segment.name)).catch((err: unknown) =>
        this.options.log.warn({ err, segment: segment.name }, 'cannot delete a sent spool segment'),
      );
    });
  }

  /** Flushes and closes the segment being written; what is pending stays for the next start. */
  close(): Promise<void> {
    return this.serial(async () => {
      if (this.active) await this.rotate();
      LIVE_OWNERS.delete(this.owner);
    });
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async startSegment(): Promise<void> {
    const name = `${String(Date.now()).padStart(13, '0')}-${String(this.seq++).padStart(6, '0')}.${this.owner}${SUFFIX}`;
    const handle = await open(join(this.options.dir, name), 'a', 0o600);
    this.active = { name, handle, bytes: 0 };
  }

  private async rotate(): Promise<void> {
    const active = this.active;
    if (!active) return;
    this.active = null;
    await active.handle.sync().catch(() => undefined);
    await active.handle.close();
    if (active.bytes === 0) {
      await unlink(join(this.options.dir, active.name)).catch(() => undefined);
      this.sizes.delete(active.name);
      return;
    }
    this.closed.push(active.name);
  }

  /** Takes over the segments of owners that are no longer running. */
  private async adopt(): Promise<void> {
    const names = (await readdir(this.options.dir)).filter((n) => n.endsWith(SUFFIX)).sort();
    for (const name of names) {
      const owner = name.slice(name.indexOf('.') + 1, -SUFFIX.length);
      const pid = Number(owner.split('-')[0]);
      // Live writers are left alone: other processes, and other spools of this one.
      if (LIVE_OWNERS.has(owner) || (pid !== process.pid && alive(pid))) continue;
      const adopted = `${name.slice(0, name.indexOf('.'))}.${this.owner}${SUFFIX}`;
      try {
        await rename(join(this.options.dir, name), join(this.options.dir, adopted));
        const { size } = await stat(join(this.options.dir, adopted));
        if (size === 0) {
          await unlink(join(this.options.dir, adopted));
          continue;
        }
        this.closed.push(adopted);
        this.sizes.set(adopted, size);
        this.total += size;
      } catch {
        // Another process adopted it first.
      }
    }
    if (this.closed.length > 0)
      this.options.log.info(
        { dir: this.options.dir, segments: this.closed.length, bytes: this.total },
        'found spooled events from an earlier run; sending them',
      );
  }
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
