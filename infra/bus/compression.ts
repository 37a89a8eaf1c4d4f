import { lz4Compress, lz4Decompress } from '@platformatic/wasm-utils';
import kafkajs, { CompressionTypes } from 'kafkajs';
import type { Config } from '../../schemas/config.js';

/**
 * kafkajs ships gzip only. LZ4 costs a fraction of gzip's CPU on every hop (the producer, the
 * broker validating each batch, every consumer) for a little more bytes, so it is the default;
 * the codec is the one `@platformatic/kafka` uses (LZ4 frames in WebAssembly, no native build).
 * Registered on import, for every kafkajs client in the process: a consumer must read LZ4 batches
 * whatever this process produces.
 */
// A named import of CompressionCodecs fails: Node cannot see it among the CommonJS module's exports.
kafkajs.CompressionCodecs[CompressionTypes.LZ4] = () => ({
  compress: async (encoder: { buffer: Buffer }) => lz4Compress(encoder.buffer),
  decompress: async (buffer: Buffer) => lz4Decompress(buffer),
});

const KAFKAJS_TYPES: Record<Config['kafka']['compression'], CompressionTypes> = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  lz4: CompressionTypes.LZ4,
};

/** The kafkajs compression type of a configured codec. */
export function kafkajsCompression(name: Config['kafka']['compression']): CompressionTypes {
  return KAFKAJS_TYPES[name];
}
