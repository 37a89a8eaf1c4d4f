/** The demo's public API: the local stand-ins it runs beside the real roles, and the demo itself. */

export { castFor } from './cast.js';
export { DemoClient, type Reply } from './http-client.js';
export { type Received, type Receiver, startReceiver } from './receiver.js';
export { type DemoRun, runDemo, summary } from './run.js';
export { startUpstreamStub, type UpstreamStub, type UpstreamStubOptions } from './upstream-stub.js';
