import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { dockerEngineRunning } from '../../infra/stack/docker.js';
import { probeKafka, probeOpenSearch, waitHealthy } from '../../infra/stack/health.js';
import { type StackOptions, stackDown, stackStatus, stackUp } from '../../infra/stack/index.js';

/**
 * vitest globalSetup for the integration project: one real Kafka and one real OpenSearch for the
 * whole run, handed to tests with `inject('kafkaBrokers')` / `inject('opensearchUrl')`.
 *
 * 1. GATEHOUND_KAFKA_BROKERS + GATEHOUND_OPENSEARCH_URL set: use them (checked to answer first).
 * 2. A Docker engine runs: Kafka and OpenSearch containers via testcontainers.
 * 3. Otherwise the JVM launcher (`gatehound stack`) with its own state dir and ports 19092/19200,
 *    so a developer's `stack up` on 9092/9200 is untouched. A healthy stack already there is reused
 *    and left running; one started here is stopped at the end.
 * Never skips: if no stack can be had, setup fails and says how to provide one.
 */

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string;
    opensearchUrl: string;
  }
}

const TEST_STACK: StackOptions = {
  stateDir: path.join(os.tmpdir(), 'gatehound-test-stack'),
  kafkaPort: 19092,
  opensearchPort: 19200,
  mode: 'jvm',
};

const HOW_TO_PROVIDE =
  'To provide a stack yourself, either set GATEHOUND_KAFKA_BROKERS (e.g. 127.0.0.1:9092) and ' +
  'GATEHOUND_OPENSEARCH_URL (e.g. http://127.0.0.1:9200) to a running Kafka 3.x and OpenSearch 2.x, ' +
  'or run `npm run build && node dist/cli/main.js stack up` and export the two lines it prints.';

function announce(which: string, t0: number): void {
  process.stderr.write(`[integration] ${which}; ready in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
}

function failure(what: string, err: unknown): Error {
  const why = err instanceof Error ? err.message : String(err);
  return new Error(`integration test setup: ${what}: ${why}\n\n${HOW_TO_PROVIDE}`, { cause: err });
}

async function checkAnswers(brokers: string, url: string, source: string): Promise<void> {
  const [kafka, search] = await Promise.all([
    waitHealthy(() => probeKafka(brokers, 3000), { timeoutMs: 15_000, intervalMs: 1000 }),
    waitHealthy(() => probeOpenSearch(url, 3000), { timeoutMs: 15_000, intervalMs: 1000 }),
  ]);
  const bad = [
    kafka.outcome === 'healthy' ? undefined : `Kafka at ${brokers} does not answer (${kafka.probe.detail})`,
    search.outcome === 'healthy' ? undefined : `OpenSearch at ${url} is not healthy (${search.probe.detail})`,
  ].filter(Boolean);
  if (bad.length > 0) throw failure(`the stack from ${source} is unusable`, new Error(bad.join('; ')));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function withContainers(project: TestProject, t0: number): Promise<() => Promise<void>> {
  const { GenericContainer, Wait, getContainerRuntimeClient } = await import('testcontainers');
  const host = (await getContainerRuntimeClient()).info.containerRuntime.host;
  // Kafka must advertise the address clients use, so its host port is fixed before it starts.
  const kafkaPort = await freePort();
  const started: { stop: () => Promise<unknown> }[] = [];
  try {
    // allSettled, so that when one fails the other is not left starting unseen.
    const results = await Promise.allSettled([
      new GenericContainer('apache/kafka:3.9.1')
        .withExposedPorts({ container: kafkaPort, host: kafkaPort })
        .withEnvironment({
          KAFKA_NODE_ID: '1',
          KAFKA_PROCESS_ROLES: 'broker,controller',
          KAFKA_LISTENERS: `PLAINTEXT://0.0.0.0:${kafkaPort},CONTROLLER://0.0.0.0:9093`,
          KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://${host}:${kafkaPort}`,
          KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
          KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
          KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
          KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
          KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
          KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
          KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
          KAFKA_NUM_PARTITIONS: '6',
          KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
        })
        .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
        .withStartupTimeout(120_000)
        .start()
        .then((c) => started.push(c)),
      new GenericContainer('opensearchproject/opensearch:2.19.1')
        .withExposedPorts(9200)
        .withEnvironment({
          'discovery.type': 'single-node',
          DISABLE_SECURITY_PLUGIN: 'true',
          DISABLE_INSTALL_DEMO_CONFIG: 'true',
          OPENSEARCH_JAVA_OPTS: '-Xms512m -Xmx512m',
          'cluster.routing.allocation.disk.threshold_enabled': 'false',
        })
        .withWaitStrategy(
          Wait.forHttp('/_cluster/health?wait_for_status=yellow&timeout=5s', 9200).forStatusCode(200),
        )
        .withStartupTimeout(240_000)
        .start(),
    ]);
    const [kafka, search] = results;
    if (search.status === 'fulfilled') started.push(search.value);
    if (kafka.status === 'rejected') throw new Error(`Kafka container: ${String(kafka.reason)}`);
    if (search.status === 'rejected') throw new Error(`OpenSearch container: ${String(search.reason)}`);
    const brokers = `${host}:${kafkaPort}`;
    const url = `http://${search.value.getHost()}:${search.value.getMappedPort(9200)}`;
    project.provide('kafkaBrokers', brokers);
    project.provide('opensearchUrl', url);
    announce(`using Docker containers via testcontainers (Kafka ${brokers}, OpenSearch ${url})`, t0);
  } catch (err) {
    await Promise.allSettled(started.map((c) => c.stop()));
    throw failure(
      'a Docker engine answers, but starting Kafka/OpenSearch containers with testcontainers failed',
      err,
    );
  }
  return async () => {
    await Promise.allSettled(started.map((c) => c.stop()));
  };
}

async function withJvmStack(project: TestProject, t0: number): Promise<(() => Promise<void>) | undefined> {
  const status = await stackStatus(TEST_STACK).catch(() => undefined);
  if (status?.kafka.state === 'healthy' && status.opensearch.state === 'healthy') {
    const brokers = `127.0.0.1:${TEST_STACK.kafkaPort}`;
    const url = `http://127.0.0.1:${TEST_STACK.opensearchPort}`;
    project.provide('kafkaBrokers', brokers);
    project.provide('opensearchUrl', url);
    announce(
      `reusing the running JVM test stack in ${TEST_STACK.stateDir} (Kafka ${brokers}, OpenSearch ${url})`,
      t0,
    );
    return undefined; // not ours to stop
  }
  let info: Awaited<ReturnType<typeof stackUp>>;
  try {
    info = await stackUp(TEST_STACK);
  } catch (err) {
    throw failure(
      `no GATEHOUND_KAFKA_BROKERS/GATEHOUND_OPENSEARCH_URL and no Docker engine, and starting the JVM stack in ${TEST_STACK.stateDir} failed`,
      err,
    );
  }
  project.provide('kafkaBrokers', info.kafkaBrokers);
  project.provide('opensearchUrl', info.opensearchUrl);
  announce(
    `started the JVM stack in ${TEST_STACK.stateDir} (Kafka ${info.kafkaBrokers}, OpenSearch ${info.opensearchUrl}; logs ${info.logsDir})`,
    t0,
  );
  return async () => {
    await stackDown(TEST_STACK);
  };
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const t0 = Date.now();
  const brokers = process.env.GATEHOUND_KAFKA_BROKERS;
  const url = process.env.GATEHOUND_OPENSEARCH_URL;
  if (brokers || url) {
    if (!brokers || !url) {
      throw failure(
        'only one of GATEHOUND_KAFKA_BROKERS and GATEHOUND_OPENSEARCH_URL is set',
        new Error(
          `GATEHOUND_KAFKA_BROKERS=${brokers ?? '(unset)'}, GATEHOUND_OPENSEARCH_URL=${url ?? '(unset)'}`,
        ),
      );
    }
    await checkAnswers(brokers, url, 'GATEHOUND_KAFKA_BROKERS/GATEHOUND_OPENSEARCH_URL');
    project.provide('kafkaBrokers', brokers);
    project.provide('opensearchUrl', url);
    announce(`using the stack from the environment (Kafka ${brokers}, OpenSearch ${url})`, t0);
    return undefined;
  }
  if (await dockerEngineRunning()) return withContainers(project, t0);
  return withJvmStack(project, t0);
}
