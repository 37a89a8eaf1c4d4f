import type { Config } from '../../schemas/config.js';
import type { Logger } from '../logger.js';
import { MemoryStore } from './memory.js';
import { OpenSearchStore } from './opensearch.js';
import type { Store } from './store.js';

export { INDEX_DEFS, type IndexDef, indexPattern } from './indices.js';
export { MemoryStore } from './memory.js';
export { OpenSearchStore } from './opensearch.js';
export type { IndexKind, SearchResult, Store, StoreDoc, StoreQuery, WriteOptions } from './store.js';

/** OpenSearch when a URL is configured, otherwise the embedded in-process store. */
export function createStore(config: Config['opensearch'], log: Logger): Store {
  return config.url ? new OpenSearchStore(config, log.child({ component: 'store' })) : new MemoryStore();
}
