#!/usr/bin/env node
import { exitCodeFor, GatehoundError, isGatehoundError } from '../infra/errors.js';

/** Each command lives in its own file and is loaded only when called, so `gatehound stack` starts fast. */
const COMMANDS: Record<
  string,
  { summary: string; load: () => Promise<{ run: (argv: string[]) => Promise<number> }> }
> = {
  start: {
    summary: 'run every role in one process (with the demo unless --no-demo)',
    load: () => import('./start.js'),
  },
  stack: { summary: 'start, stop or inspect a local Kafka + OpenSearch', load: () => import('./stack.js') },
  schemas: { summary: 'export the contracts as JSON Schema', load: () => import('./schemas.js') },
  config: { summary: 'validate and print the effective configuration', load: () => import('./config.js') },
  proxy: { summary: 'run the gateway proxy in front of an AI API', load: () => import('./proxy.js') },
  replay: {
    summary: 'replay a request log (jsonl, nginx, kong) into Kafka',
    load: () => import('./replay.js'),
  },
  detect: {
    summary: 'run a detector worker (consumer groups on the requests topics)',
    load: () => import('./detect.js'),
  },
  simulate: {
    summary: 'write seeded, labelled traffic and its ground truth',
    load: () => import('./simulate.js'),
  },
  api: { summary: 'serve the incidents, revocations and key-status API', load: () => import('./api.js') },
  respond: {
    summary: 'run the responder: incidents, policy, notifications, revocations',
    load: () => import('./respond.js'),
  },
  policy: {
    summary: 'check a policy file, or show what findings would trigger',
    load: () => import('./policy.js'),
  },
  dashboards: {
    summary: 'import the OpenSearch Dashboards saved objects',
    load: () => import('./dashboards.js'),
  },
  signatures: {
    summary: 'score a labelled file with the injection signature pack',
    load: () => import('./signatures.js'),
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `usage: gatehound <command> [options]\n\ncommands:\n${lines.join('\n')}\n`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) throw new GatehoundError('USAGE', `unknown command "${name}"\n\n${usage()}`);
  const mod = await command.load();
  return mod.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // Typed errors carry a message written for the operator; anything else is a bug, so show the stack.
    process.stderr.write(
      isGatehoundError(err)
        ? `gatehound: ${err.message}\n`
        : `gatehound: ${String((err as Error)?.stack ?? err)}\n`,
    );
    process.exitCode = exitCodeFor(err);
  },
);
