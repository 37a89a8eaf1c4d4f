import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { KafkaBus } from '../../infra/bus/index.js';
import { createLogger } from '../../infra/logger.js';
import type { ActionRef } from '../../schemas/action.js';
import { Config } from '../../schemas/config.js';
import type { Incident } from '../../schemas/incident.js';
import {
  duplicateIncidents,
  foldedFindings,
  indexedDocs,
  jsonId,
  topicIds,
  uncommitted,
  waitDrained,
} from '../helpers/delivery-counts.js';
import { faultStack } from '../helpers/fault-stack.js';
import { Roles } from '../helpers/roles.js';
import { simulatedFile } from '../helpers/simulated-file.js';
import { stackConfig } from '../helpers/stack-config.js';
import { uniqueName, waitFor } from '../helpers/wait.js';

const EVENTS = 60_000;
const OUTAGE_MS = 60_000;

/**
 * OpenSearch killed for 60 s while a replay's findings flow: the responder's batches fail and are
 * retried with their offsets uncommitted, so Kafka holds the findings until the store is back; then
 * every finding, incident and action is written, none twice.
 */
describe('OpenSearch down for 60 s', () => {
  let roles: Roles | undefined;
  afterAll(async () => {
    await roles?.stopAll();
  });

  it('buffers findings, incidents and actions and writes them all once it returns', async () => {
    const stack = await faultStack();
    const prefix = uniqueName('osdown');
    const input = stackConfig(prefix, stack.kafkaBrokers, stack.opensearchUrl);
    const config = Config.parse(input);
    roles = new Roles(input, {
      GATEHOUND_KAFKA_BROKERS: stack.kafkaBrokers,
      GATEHOUND_OPENSEARCH_URL: stack.opensearchUrl,
    });
    const file = await simulatedFile(roles, EVENTS);
    const bus = new KafkaBus(config.kafka, createLogger({ level: 'silent' }));
    await bus.ensureTopics();
    const admin = new Kafka({ brokers: [stack.kafkaBrokers], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const topics = config.kafka.topics;
    const respond = roles.start('respond');
    const index = prefix.toLowerCase();
    // Consuming once it is a member of its group, after it created its indices.
    await waitFor(
      'the responder to join its group',
      async () => {
        const [group] = (await admin.describeGroups([`${prefix}-respond`])).groups;
        return group?.state === 'Stable' && group.members.length === 1;
      },
      60_000,
    );

    await stack.kill('opensearch', 'SIGKILL');
    const downAt = Date.now();
    roles.start('detect');
    const replay = roles.start('replay', [file, '--format', 'jsonl', '--no-progress']);
    expect(await replay.exited, roles.tails()).toBe(0);
    await new Promise((r) => setTimeout(r, Math.max(0, OUTAGE_MS - (Date.now() - downAt))));
    // Counted at the end of the outage, when the detector has long caught up with the replay.
    const findingsWhileDown = (await admin.fetchTopicOffsets(topics.findings)).reduce(
      (n, p) => n + Number(p.high),
      0,
    );
    const pendingWhileDown = await uncommitted(admin, `${prefix}-respond`, topics.findings);
    const outageSeconds = (Date.now() - downAt) / 1000;
    await stack.restart('opensearch');

    await waitDrained(admin, prefix, topics, 300_000, () => roles!.tails());
    expect(respond.child.exitCode, roles.tails()).toBeNull();

    const [findings, indexed, incidents, actions] = await Promise.all([
      topicIds(bus, topics.findings, jsonId),
      indexedDocs(stack.opensearchUrl, `${index}-findings*`),
      indexedDocs<Incident>(stack.opensearchUrl, `${index}-incidents*`, true),
      indexedDocs(stack.opensearchUrl, `${index}-actions*`),
    ]);
    const refs: ActionRef[] = incidents.docs.flatMap((i) => i.actions);
    const missingFindings = [...findings.ids].filter((id) => !indexed.ids.has(id));
    const missingActions = refs.filter((a) => !actions.ids.has(a.id));
    const counts = {
      sent: EVENTS,
      findingsOnTopic: findings.ids.size,
      findingsPendingWhileDown: pendingWhileDown,
      findingsIndexed: indexed.ids.size,
      incidents: incidents.docs.length,
      foldedFindings: foldedFindings(incidents.docs),
      duplicateIncidents: duplicateIncidents(incidents.docs, config.alerting.quietMs).length,
      actionsReferenced: refs.length,
      actionsIndexed: actions.ids.size,
      lost: missingFindings.length + missingActions.length,
    };
    console.log(`opensearch down: ${JSON.stringify(counts)}; outage ${outageSeconds.toFixed(1)} s`);
    await admin.disconnect();
    await bus.close();

    // The outage really held findings back: they were produced while the store was gone.
    expect(findingsWhileDown).toBeGreaterThan(0);
    expect(counts.findingsPendingWhileDown).toBeGreaterThan(0);
    expect(counts.actionsReferenced).toBeGreaterThan(0);
    expect(counts.lost).toBe(0);
    expect(counts.findingsIndexed).toBe(counts.findingsOnTopic);
    expect(counts.foldedFindings).toBe(counts.findingsIndexed);
    expect(counts.duplicateIncidents).toBe(0);
  }, 900_000);
});
