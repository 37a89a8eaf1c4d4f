import { describeStoreConformance } from '../../test/helpers/store-conformance.js';
import { MemoryStore } from './memory.js';

describeStoreConformance('memory', async () => new MemoryStore());
