import { execFileSync } from 'node:child_process';

/** True when wrk is installed: a load generator in C, far cheaper per request than a node:http client. */
export function hasWrk(): boolean {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (err) {
    return (err as { status?: number }).status === 1; // wrk --version exits 1 after printing
  }
}

export interface WrkResult {
  requestsPerSecond: number;
  requests: number;
  p99Ms: number;
  /** Responses with a status of 300 or more. */
  non2xx: number;
  /** Connect, read, write errors and timeouts. */
  socketErrors: number;
}

/** One wrk run on one thread: `connections` keep-alive connections back to back for `seconds`. */
export function wrk(
  url: string,
  o: { connections: number; seconds: number; headers?: string[]; script?: string },
): WrkResult {
  const args = ['-t1', `-c${o.connections}`, `-d${o.seconds}s`, '--latency'];
  for (const h of o.headers ?? []) args.push('-H', h);
  if (o.script) args.push('-s', o.script);
  const out = execFileSync('wrk', [...args, url], { encoding: 'utf8' });
  const [, value, unit] = /99%\s+([\d.]+)(us|ms|s)/.exec(out) ?? [];
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  return {
    requestsPerSecond: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]),
    requests: Number(/(\d+) requests in/.exec(out)?.[1]),
    p99Ms: Number(value) * (unit === 'us' ? 0.001 : unit === 's' ? 1000 : 1),
    non2xx: Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0),
    socketErrors: errors ? errors.slice(1).reduce((n, e) => n + Number(e), 0) : 0,
  };
}
