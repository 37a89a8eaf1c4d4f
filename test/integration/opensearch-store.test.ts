import { inject } from 'vitest';
import { createLogger } from '../../infra/logger.js';
import { OpenSearchStore, type Store } from '../../infra/store/index.js';
import { Config } from '../../schemas/config.js';
import { describeStoreConformance } from '../helpers/store-conformance.js';
import { uniqueName } from '../helpers/wait.js';

describeStoreConformance(
  'opensearch',
  async () => {
    const config = Config.parse({
      opensearch: { url: inject('opensearchUrl'), indexPrefix: uniqueName('t').toLowerCase(), replicas: 0 },
    });
    return new OpenSearchStore(config.opensearch, createLogger({ level: 'error' }));
  },
  async (store: Store) => (store as OpenSearchStore).dropAll(),
);
