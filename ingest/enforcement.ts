import { followRevocations, type RevocationFollower } from '../infra/revocation-follower.js';
import { RevocationSet } from '../infra/revocations.js';
import type { Runtime } from '../infra/runtime.js';
import type { GatewayOutcome } from '../schemas/request-event.js';

/** A request the gateway answers itself, without calling the upstream. */
export interface Rejection {
  status: number;
  outcome: GatewayOutcome;
  body: string;
  headers?: Record<string, string>;
}

export function errorBody(type: string, message: string): string {
  return JSON.stringify({ error: { type, message } });
}

const KEY_REVOKED: Rejection = {
  status: 401,
  outcome: 'revoked',
  body: errorBody('key_revoked', 'This API key has been revoked.'),
};
const IP_BLOCKED: Rejection = {
  status: 403,
  outcome: 'blocked',
  body: errorBody('ip_blocked', 'Requests from this address are blocked.'),
};

const RETRY_MS = [500, 1000, 2000, 5000, 10_000];

/**
 * Revocation enforcement for a gateway: the revocations topic followed into an in-memory set (via
 * infra's follower), checked on every request. A revoked key gets 401 `key_revoked`, a blocked
 * address 403 `ip_blocked`; the reasons and incident stay internal. When the bus cannot be read at
 * start-up the gateway serves with what it has and keeps trying in the background; once following,
 * a lost bus leaves the set as it was, so enforcement never lapses.
 */
export class Enforcement {
  private follower: RevocationFollower | null = null;
  private set: RevocationSet;
  private isReady = false;
  private stopped = false;
  private retry: NodeJS.Timeout | null = null;
  private attempt = 0;
  readonly ready: Promise<void>;
  private markReady!: () => void;

  private constructor(
    private readonly runtime: Runtime,
    private readonly topic: string,
  ) {
    this.set = new RevocationSet(runtime.clock);
    this.ready = new Promise((resolve) => {
      this.markReady = resolve;
    });
  }

  /** Starts following; resolves once the topic has been read, or after `waitMs` either way. */
  static async start(runtime: Runtime, waitMs: number): Promise<Enforcement> {
    const e = new Enforcement(runtime, runtime.config.kafka.topics.revocations);
    void e.follow();
    let timer: NodeJS.Timeout | undefined;
    const waited = await Promise.race([
      e.ready.then(() => true),
      new Promise<boolean>((r) => {
        timer = setTimeout(() => r(false), waitMs);
      }),
    ]);
    clearTimeout(timer);
    if (!waited)
      runtime.log.warn(
        { topic: e.topic, waitedMs: waitMs },
        'revocations not read yet; serving with none known and still trying',
      );
    return e;
  }

  /** True once every revocation present at start-up has been applied. */
  get caughtUp(): boolean {
    return this.follower !== null && this.isReady;
  }

  check(keyId: string | null, ip: string): Rejection | null {
    if (keyId !== null && this.set.checkKey(keyId).revoked) return KEY_REVOKED;
    if (this.set.checkIp(ip).revoked) return IP_BLOCKED;
    return null;
  }

  get revocations(): RevocationSet {
    return this.set;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    await this.follower?.stop();
  }

  private async follow(): Promise<void> {
    const { bus, clock, log } = this.runtime;
    try {
      const follower = await followRevocations(
        bus,
        this.topic,
        clock,
        log.child({ component: 'revocations' }),
      );
      if (this.stopped) {
        await follower.stop();
        return;
      }
      this.follower = follower;
      this.set = follower.set;
      void follower.ready.then(() => {
        this.isReady = true;
        log.info({ topic: this.topic, revoked: follower.set.size }, 'revocations read; enforcing');
        this.markReady();
      });
    } catch (err) {
      if (this.stopped) return;
      const delay = RETRY_MS[Math.min(this.attempt++, RETRY_MS.length - 1)]!;
      log.warn({ err: (err as Error).message, retryInMs: delay }, 'cannot follow the revocations topic yet');
      this.retry = setTimeout(() => void this.follow(), delay);
      this.retry.unref();
    }
  }
}
