import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Config } from '../../schemas/config.js';
import { brokerTls } from './broker-tls.js';

describe('brokerTls', () => {
  it('is plaintext by default, TLS with ssl, TLS with the CA bundle when caFile is set', () => {
    const caFile = join(mkdtempSync(join(tmpdir(), 'gh-ca-')), 'ca.pem');
    writeFileSync(caFile, 'PEM');
    const kafka = (k: object) => Config.parse({ kafka: { brokers: ['b:9092'], ...k } }).kafka;
    expect(brokerTls(kafka({}))).toBeNull();
    expect(brokerTls(kafka({ ssl: true }))).toEqual({});
    expect(brokerTls(kafka({ caFile }))).toEqual({ ca: ['PEM'] });
  });
});
