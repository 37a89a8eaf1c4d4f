import { Config } from '../../schemas/config.js';
import { describeBusConformance } from '../../test/helpers/bus-conformance.js';
import { MemoryBus } from './memory.js';

describeBusConformance('memory', async () => new MemoryBus(Config.parse({}).kafka));
