import { createHash, randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { startResponder } from '../alerting/index.js';
import { startApi } from '../api/index.js';
import { castFor, runDemo, startReceiver, startUpstreamStub, summary } from '../demo/index.js';
import { detectorRegistry, signatureScanner, startDetector } from '../detectors/index.js';
import { loadConfig } from '../infra/config.js';
import { GatehoundError } from '../infra/errors.js';
import { createRuntime, type RunningRole } from '../infra/runtime.js';
import { deepMerge } from '../infra/store/merge.js';
import { startProxy } from '../ingest/index.js';
import { Config } from '../schemas/config.js';

const USAGE = 'usage: gatehound start [--no-demo] [--once] [--file config.yaml]';

/**
 * `gatehound start`: every role in one process. With no Kafka or OpenSearch configured it runs on
 * the in-process bus and store. By default it also runs the demo: a local OpenAI-compatible stub
 * as the upstream, a webhook receiver, and traffic with each kind of attack sent through the proxy.
 */
export async function run(argv: string[]): Promise<number> {
  let values: { 'no-demo'?: boolean; once?: boolean; file?: string };
  try {
    values = parseArgs({
      args: argv,
      options: { 'no-demo': { type: 'boolean' }, once: { type: 'boolean' }, file: { type: 'string' } },
    }).values;
  } catch (err) {
    throw new GatehoundError('USAGE', `${(err as Error).message}\n${USAGE}`);
  }
  const demo = !values['no-demo'];
  let config = loadConfig({ file: values.file ?? null });
  const cleanups: (() => Promise<void>)[] = [];
  let prepared: ReturnType<typeof castFor> | null = null;
  let token = '';
  if (demo) {
    const proxyUrl = `http://127.0.0.1:${config.gateway.proxyPort}`;
    prepared = castFor(proxyUrl);
    const stub = await startUpstreamStub({ keys: prepared.keys.valid });
    const receiver = await startReceiver(200);
    cleanups.push(stub.close, receiver.close);
    token = `gh_demo_${randomBytes(18).toString('base64url')}`;
    config = Config.parse(
      deepMerge(
        config as unknown as Record<string, unknown>,
        demoSettings(config, stub.url, receiver.url, token),
      ),
    );
  }
  const rt = createRuntime(config);
  await rt.bus.ensureTopics();
  await rt.store.ensureIndices();
  const roles: RunningRole[] = [];
  const stopAll = async () => {
    for (const role of [...roles].reverse())
      await role.stop().catch((err: unknown) => rt.log.error({ err, role: role.name }, 'stop failed'));
    await Promise.allSettled([rt.bus.close(), rt.store.close(), ...cleanups.map((c) => c())]);
  };
  try {
    roles.push(
      await startDetector(rt, { specs: detectorRegistry(signatureScanner(config.detectors.injection)) }),
    );
    roles.push(await startResponder(rt));
    const api = await startApi(rt);
    roles.push(api);
    const proxy = await startProxy(rt, demo ? { host: '127.0.0.1', adminPort: null } : {});
    roles.push(proxy);
    const urls = { proxy: `http://127.0.0.1:${proxy.port}`, api: `http://127.0.0.1:${api.port}` };
    const tty = process.stdout.isTTY === true;
    if (prepared) {
      process.stdout.write(
        `gatehound demo: proxy ${urls.proxy}, API ${urls.api}${rt.bus.kind === 'memory' ? ' (in-process bus and store)' : ''}\n`,
      );
      const result = await runDemo(rt, prepared, process.stdout, tty);
      process.stdout.write(`${summary(result, urls, token, rt.bus.kind === 'memory')}\n`);
    } else {
      process.stdout.write(`gatehound: proxy ${urls.proxy}, API ${urls.api}; Ctrl-C stops.\n`);
    }
    if (!values.once) {
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
    }
  } finally {
    await stopAll();
  }
  return 0;
}

/** The demo's own settings on top of the user's: it must show each attack within a minute. */
function demoSettings(
  config: Config,
  upstreamUrl: string,
  webhookUrl: string,
  token: string,
): Record<string, unknown> {
  return {
    keyIdSecret: config.keyIdSecret ?? randomBytes(24).toString('hex'),
    gateway: { upstreamUrl },
    alerting: config.alerting.webhookUrl
      ? {}
      : { webhookUrl, webhookSecret: `whsec_${randomBytes(24).toString('base64')}` },
    // Five-second windows so the warm-up builds a baseline in seconds, not in a quarter of an hour.
    detectors: { volumeSpike: { windowMs: 5_000, minRequests: 20, minHistoryWindows: 3, alpha: 0.3 } },
    api: {
      tokens: [
        ...config.api.tokens,
        { name: 'demo', role: 'admin', sha256: createHash('sha256').update(token).digest('hex') },
      ],
    },
  };
}
