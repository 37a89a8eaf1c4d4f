import { inject } from 'vitest';
import { KafkaBus } from '../../infra/bus/index.js';
import { createLogger } from '../../infra/logger.js';
import { Config } from '../../schemas/config.js';
import { describeBusConformance } from '../helpers/bus-conformance.js';
import { uniqueName } from '../helpers/wait.js';

describeBusConformance('kafka', async () => {
  const prefix = uniqueName('gh');
  const config = Config.parse({
    kafka: {
      brokers: inject('kafkaBrokers').split(','),
      partitions: 3,
      topics: {
        requests: `${prefix}.requests`,
        requestsByIp: `${prefix}.requests-by-ip`,
        findings: `${prefix}.findings`,
        revocations: `${prefix}.revocations`,
        state: `${prefix}.state`,
        dlq: `${prefix}.dlq`,
      },
    },
  });
  return new KafkaBus(config.kafka, createLogger({ level: 'error' }));
});
