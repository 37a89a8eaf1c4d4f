/** The demo's public API: the local stand-ins it runs beside the real roles, and the demo itself. */
export { type Received, type Receiver, startReceiver } from './receiver.js';
export { startUpstreamStub, type UpstreamStub, type UpstreamStubOptions } from './upstream-stub.js';
