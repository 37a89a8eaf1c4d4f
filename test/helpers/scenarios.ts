import { generateTraffic } from './traffic.js';

/** One address tries 40 keys and then one works: a burst, and a compromised key. */
export const stuffing = generateTraffic([
  { count: 40, every: '1s', key: 'guess', keys: 40, ip: '192.0.2.66', status: 401 },
  { count: 1, start: '+2s', key: 'victim', ip: '192.0.2.66', status: 200 },
]);

/** Half an hour at 20 requests a minute, then 400 in a minute. */
export const spike = generateTraffic([
  { count: 600, every: '3s', key: 'steady', ip: '203.0.113.10' },
  { count: 400, start: '+3s', every: '150ms', key: 'steady', ip: '203.0.113.10' },
]);
