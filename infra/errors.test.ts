import { MultipleErrors, NetworkError, ResponseError } from '@platformatic/kafka';
import { describe, expect, it } from 'vitest';
import { GatehoundError, rootCause } from './errors.js';

describe('rootCause', () => {
  it('names what the client library said under a wrapped send failure', () => {
    const refused = new NetworkError('Connection to 127.0.0.1:9092 failed.', {
      cause: new Error('connect ECONNREFUSED 127.0.0.1:9092'),
    });
    const failed = new GatehoundError('BUS_UNAVAILABLE', 'could not produce 5 message(s) to t', {
      cause: new MultipleErrors('Producing messages failed.', [refused]),
    });
    expect(rootCause(failed)).toBe('connect ECONNREFUSED 127.0.0.1:9092');
  });

  it("gives a broker's protocol error by its id", () => {
    const outOfOrder = new ResponseError(0, 9, { '/responses/0': [45, null] }, {});
    const failed = new GatehoundError('BUS_SEND_FAILED', 'could not produce 5 message(s) to t', {
      cause: new MultipleErrors('Producing messages failed.', [outOfOrder]),
    });
    expect(rootCause(failed)).toBe('OUT_OF_ORDER_SEQUENCE_NUMBER');
  });

  it('is the message itself when nothing is wrapped, and never throws on odd values', () => {
    expect(rootCause(new Error('plain'))).toBe('plain');
    expect(rootCause('a string')).toBe('a string');
    expect(rootCause(undefined)).toBe('undefined');
  });
});
