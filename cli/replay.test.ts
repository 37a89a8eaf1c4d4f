import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Finding } from '../schemas/finding.js';
import { Incident } from '../schemas/incident.js';
import { gatehound } from '../test/helpers/cli.js';

const T0 = Date.parse('2026-11-30T10:00:00Z');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function combined(ip: string, ms: number, request: string, status: number, ua: string): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  const ts = `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
  return `${ip} - - [${ts}] "${request} HTTP/1.1" ${status} 512 "-" "${ua}"`;
}

/**
 * Two hours of an nginx access log in front of an AI API: twenty ordinary clients (with the odd
 * 404 and 401), a scanner, a password guesser whose credentials the log never shows, an SQL injection
 * in a query string, and one line that is not a log line.
 */
function accessLog(): string {
  const lines: [number, string][] = [];
  for (let u = 0; u < 20; u++) {
    for (let i = 0; i < 360; i++) {
      const ms = T0 + i * 20_000 + u * 700;
      const status = i % 97 === 5 ? 404 : i % 113 === 7 ? 401 : 200;
      lines.push([
        ms,
        combined(`198.51.100.${u + 10}`, ms, 'POST /v1/chat/completions', status, 'OpenAI/Python 1.40.0'),
      ]);
    }
  }
  const sensitive = ['/.env', '/.git/config', '/wp-login.php', '/phpmyadmin/', '/actuator/env'];
  for (let i = 0; i < 120; i++) {
    const ms = T0 + 30 * 60_000 + i * 250;
    const target = i % 4 === 0 ? sensitive[(i / 4) % sensitive.length]! : `/old/${i}.php`;
    lines.push([ms, combined('203.0.113.66', ms, `GET ${target}`, 404, 'Mozilla/5.0')]);
  }
  for (let i = 0; i < 60; i++) {
    const ms = T0 + 60 * 60_000 + i * 2000;
    lines.push([ms, combined('203.0.113.77', ms, 'POST /v1/chat/completions', 401, 'python-requests/2.31')]);
  }
  for (let i = 0; i < 3; i++) {
    const ms = T0 + 90 * 60_000 + i * 1000;
    const q = '/v1/models?id=1%27%20UNION%20SELECT%20username,password%20FROM%20users--';
    lines.push([ms, combined('203.0.113.88', ms, `GET ${q}`, 400, 'Mozilla/5.0')]);
  }
  lines.sort((a, b) => a[0] - b[0]);
  return `${lines.map(([, l]) => l).join('\n')}\nthis is not a log line\n`;
}

// Each case runs the built CLI in a process of its own: a loaded machine needs more than 5 s.
describe('gatehound replay --detect: a log scored in this process, the incidents printed', {
  timeout: 30_000,
}, () => {
  let dir: string;
  let log: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehound-replay-detect-'));
    log = path.join(dir, 'access.log');
    fs.writeFileSync(log, accessLog());
  });

  it('finds the scanner, the guesser and the injection, and no ordinary client', () => {
    const findingsFile = path.join(dir, 'findings.jsonl');
    const res = gatehound(['replay', log, '--format', 'nginx', '--json', '--findings', findingsFile]);
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    const out = JSON.parse(res.stdout) as {
      replay: { read: number; rejected: number };
      incidents: unknown[];
    };
    expect(out.replay).toMatchObject({ read: 7384, rejected: 1 });
    const incidents = out.incidents.map((i) => Incident.parse(i));
    const found = incidents.map((i) => `${i.type} ${i.subject.kind}:${i.subject.id}`).sort();
    expect(found).toEqual([
      'auth_failure_burst ip:203.0.113.77',
      'injection ip:203.0.113.88',
      'probing ip:203.0.113.66',
    ]);
    const findings = fs
      .readFileSync(findingsFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => Finding.parse(JSON.parse(l)));
    expect(findings.length).toBe(incidents.reduce((n, i) => n + i.findingCount, 0));
  });

  it('prints a table, worst first, when not asked for JSON', () => {
    const res = gatehound(['replay', log, '--format', 'nginx', '--no-progress']);
    expect(res.status).toBe(0);
    const [counts, header, ...rows] = res.stdout.trim().split('\n');
    expect(counts).toMatch(/^3 incident\(s\) .* on 3 subject\(s\), from \d+ finding\(s\)$/);
    expect(header).toMatch(/^severity\s+type\s+subject\s+findings/);
    expect(rows).toHaveLength(3);
    expect(res.stderr).toContain('rejected 1');
  });

  it('refuses --json without --detect when Kafka is configured, since nothing would be scored here', () => {
    const res = gatehound(['replay', log, '--format', 'nginx', '--json'], {
      GATEHOUND_KAFKA_BROKERS: '127.0.0.1:1',
    });
    expect(res.status).toBe(2);
    expect(res.stderr).toContain('--json and --findings need --detect');
  });
});
