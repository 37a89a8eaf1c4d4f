import fs from 'node:fs';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import { readCmdline } from './processes.js';

export interface Probe {
  ok: boolean;
  detail: string;
}

/** True when nothing listens on host:port (we can bind it ourselves). */
export function portFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** True when a TCP connection to host:port succeeds within timeoutMs. */
export function tcpConnects(port: number, host = '127.0.0.1', timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Socket inodes listening on `port`, from /proc/net/tcp and tcp6 lines such as
 * `0: 0100007F:2384 00000000:0000 0A ... 0 12345 ...` (state 0A = LISTEN, inode is field 9).
 */
export function listeningInodes(procNetTcp: string, port: number): string[] {
  const inodes: string[] = [];
  for (const line of procNetTcp.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    const local = f[1] ?? '';
    const portHex = local.slice(local.lastIndexOf(':') + 1);
    if (f[3] === '0A' && Number.parseInt(portHex, 16) === port && f[9] !== '0') inodes.push(f[9] ?? '');
  }
  return inodes;
}

/** Best effort: the pid and command of whatever listens on `port` (needs to be root to see others'). */
export function portOwner(port: number): { pid: number; command: string } | undefined {
  const inodes = new Set<string>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    try {
      for (const i of listeningInodes(fs.readFileSync(file, 'utf8'), port)) inodes.add(`socket:[${i}]`);
    } catch {
      // not Linux, or no IPv6
    }
  }
  if (inodes.size === 0) return undefined;
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let fds: string[];
    try {
      fds = fs.readdirSync(`/proc/${name}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if (inodes.has(fs.readlinkSync(`/proc/${name}/fd/${fd}`))) {
          const argv = readCmdline(Number(name)) ?? [];
          const command = argv.join(' ');
          return {
            pid: Number(name),
            command: command.length > 160 ? `${command.slice(0, 157)}...` : command,
          };
        }
      } catch {
        // fd closed meanwhile
      }
    }
  }
  return undefined;
}

export function describePortOwner(port: number): string {
  const owner = portOwner(port);
  return owner ? `pid ${owner.pid} (${owner.command})` : 'a process gatehound did not start';
}

/** Kafka answers a metadata request: connect + describeCluster with short timeouts, no retries. */
export async function probeKafka(brokers: string, timeoutMs = 5000): Promise<Probe> {
  const [host, portText] = splitHostPort(brokers.split(',')[0] ?? brokers);
  if (!(await tcpConnects(Number(portText), host, Math.min(timeoutMs, 2000)))) {
    return { ok: false, detail: `nothing accepts connections on ${brokers}` };
  }
  const kafka = new Kafka({
    clientId: 'gatehound-stack-health',
    brokers: brokers.split(','),
    connectionTimeout: Math.min(timeoutMs, 3000),
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return {
      ok: cluster.brokers.length > 0 && cluster.controller !== null && cluster.controller !== undefined,
      detail: `cluster ${cluster.clusterId}, ${cluster.brokers.length} broker(s), controller ${cluster.controller}`,
    };
  } catch (err) {
    return { ok: false, detail: `kafka admin request failed: ${(err as Error).message}` };
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

function splitHostPort(hostPort: string): [string, string] {
  const i = hostPort.lastIndexOf(':');
  return [hostPort.slice(0, i), hostPort.slice(i + 1)];
}

export interface OpenSearchProbe extends Probe {
  version?: string;
}

/** OpenSearch is at least yellow: GET /_cluster/health?wait_for_status=yellow, plus GET / for the version. */
export async function probeOpenSearch(url: string, timeoutMs = 5000): Promise<OpenSearchProbe> {
  const base = url.replace(/\/+$/, '');
  try {
    const root = await fetch(`${base}/`, { signal: AbortSignal.timeout(timeoutMs) });
    const info = (await root.json()) as { version?: { number?: string; distribution?: string } };
    const version = info.version?.number;
    const waitSeconds = Math.max(1, Math.floor(timeoutMs / 2000));
    const res = await fetch(`${base}/_cluster/health?wait_for_status=yellow&timeout=${waitSeconds}s`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    const health = (await res.json()) as { status?: string; cluster_name?: string; timed_out?: boolean };
    const ok =
      res.ok && (health.status === 'green' || health.status === 'yellow') && health.timed_out !== true;
    const name = info.version?.distribution ?? 'search engine';
    const probe: OpenSearchProbe = {
      ok,
      detail: `${name} ${version ?? '?'}, cluster ${health.cluster_name ?? '?'} ${health.status ?? `HTTP ${res.status}`}`,
    };
    if (version) probe.version = version;
    return probe;
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    const why = e.cause?.code ?? (e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : e.message);
    return { ok: false, detail: `GET ${base}/ failed: ${why}` };
  }
}

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** Checked before each attempt: a process that died will never become healthy. */
  alive?: () => boolean;
}

/** Polls `probe` until it is ok. Resolves with the last probe and why it stopped. */
export async function waitHealthy(
  probe: () => Promise<Probe>,
  o: WaitOptions,
): Promise<{ probe: Probe; outcome: 'healthy' | 'timeout' | 'died' }> {
  const deadline = Date.now() + o.timeoutMs;
  let last: Probe = { ok: false, detail: 'not probed yet' };
  for (;;) {
    if (o.alive && !o.alive()) return { probe: last, outcome: 'died' };
    last = await probe();
    if (last.ok) return { probe: last, outcome: 'healthy' };
    if (Date.now() >= deadline) return { probe: last, outcome: 'timeout' };
    await sleep(o.intervalMs ?? 500);
  }
}
