import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { envChannelNames, loadPolicy, parsePolicy } from '../alerting/index.js';
import { simulatePolicy } from '../alerting/policy/simulate.js';
import { loadConfig } from '../infra/config.js';
import { GatehoundError } from '../infra/errors.js';
import { Finding } from '../schemas/finding.js';
import { decodeJson } from '../schemas/validate.js';

const USAGE =
  'usage: gatehound policy check [policy.yaml]\n' +
  '       gatehound policy test <findings.jsonl> [--policy policy.yaml] [--json] [--file config.yaml]';

/**
 * `policy check`: validates a policy file (exit 2 naming the line, rule and field).
 * `policy test`: prints which actions each finding of a JSON-lines file would trigger.
 */
export async function run(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    throw new GatehoundError('USAGE', `${(err as Error).message}\n${USAGE}`);
  }
  const [command, path] = parsed.positionals;
  const config = loadConfig({ file: parsed.values.file ?? null });
  const channels = envChannelNames(config.alerting);
  const policyFile = command === 'check' ? (path ?? parsed.values.policy) : parsed.values.policy;
  const policy = policyFile
    ? parsePolicy(readText(policyFile, 'policy file'), policyFile, channels)
    : loadPolicy(config.alerting);
  const allChannels = [...new Set([...Object.keys(policy.channels), ...channels])];

  if (command === 'check') {
    const { keys, ips } = policy.allowlist;
    process.stdout.write(
      `${policyFile ?? config.alerting.policyFile ?? 'built-in policy'}: ok — ${policy.rules.length} rules ` +
        `(${policy.rules.map((r) => r.name + (r.dryRun ? ' [dry run]' : '')).join(', ')}), ` +
        `${keys.length + ips.length} allowlist entries, channels: ${allChannels.join(', ') || 'none'}\n`,
    );
    return 0;
  }
  if (command !== 'test' || !path) throw new GatehoundError('USAGE', USAGE);

  const findings: Finding[] = [];
  let bad = 0;
  readText(path, 'findings file')
    .split('\n')
    .forEach((line, i) => {
      if (!line.trim()) return;
      const decoded = decodeJson(Finding, line);
      if (decoded.ok) findings.push(decoded.value);
      else {
        bad++;
        process.stderr.write(`${path}:${i + 1}: ${decoded.code}: ${decoded.reason}\n`);
      }
    });
  const rows = simulatePolicy(policy, findings, allChannels, config.alerting.quietMs);
  for (const row of rows) {
    process.stdout.write(
      parsed.values.json
        ? `${JSON.stringify(row)}\n`
        : `${row.findingId} → ${row.incident} ${row.incidentId} (${row.severity}): ${row.actions.join('; ') || 'nothing'}\n`,
    );
  }
  return bad > 0 ? 1 : 0;
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new GatehoundError('USAGE', `cannot read ${what} ${path} (${(err as NodeJS.ErrnoException).code})`);
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: { file: { type: 'string' }, policy: { type: 'string' }, json: { type: 'boolean' } },
  });
}
