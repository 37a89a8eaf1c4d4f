import { describe, expect, it } from 'vitest';
import {
  coordinate,
  KAFKA_ARTIFACT,
  kafkaLibsDir,
  kafkaPom,
  lastLines,
  OPENSEARCH_ARTIFACT,
  opensearchInstallRoot,
  opensearchZipPath,
  SYSTEM_INSTALL_ROOT,
  unzipCommand,
} from './artifacts.js';

describe('coordinates and cache layout', () => {
  it('names artifacts the way Maven does', () => {
    expect(coordinate(KAFKA_ARTIFACT)).toBe('org.apache.kafka:kafka_2.13:3.9.1');
    expect(coordinate(OPENSEARCH_ARTIFACT)).toBe(
      'org.opensearch.distribution.integ-test-zip:opensearch:2.19.1:zip',
    );
  });

  it('keeps versioned folders in the cache', () => {
    expect(kafkaLibsDir('/c')).toBe('/c/kafka_2.13-3.9.1/libs');
    expect(opensearchZipPath('/c')).toBe('/c/downloads/opensearch-2.19.1.zip');
  });
});

describe('kafkaPom', () => {
  it('declares the broker and the slf4j binding', () => {
    const pom = kafkaPom();
    expect(pom).toContain(
      '<groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>3.9.1</version>',
    );
    expect(pom).toContain('<artifactId>slf4j-reload4j</artifactId><version>1.7.36</version>');
    expect(pom).toContain('<packaging>pom</packaging>');
  });
});

describe('opensearchInstallRoot', () => {
  it('uses the cache unless we are root and uid 65534 cannot reach it', () => {
    expect(opensearchInstallRoot('/root/.cache/gatehound', false, () => '/root')).toEqual({
      root: '/root/.cache/gatehound',
    });
    expect(opensearchInstallRoot('/var/tmp/c', true, () => undefined)).toEqual({ root: '/var/tmp/c' });
    const moved = opensearchInstallRoot('/root/.cache/gatehound', true, () => '/root');
    expect(moved.root).toBe(SYSTEM_INSTALL_ROOT);
    expect(moved.reason).toContain('/root is not traversable by uid 65534');
  });
});

describe('unzipCommand', () => {
  const only = (name: string) => (cmd: string) => (cmd === name ? `/usr/bin/${name}` : undefined);
  it('prefers unzip, then jar, then python3', () => {
    expect(unzipCommand('/z.zip', '/d', only('unzip'))).toEqual({
      command: '/usr/bin/unzip',
      args: ['-q', '/z.zip', '-d', '/d'],
      cwd: '/d',
    });
    expect(unzipCommand('/z.zip', '/d', only('jar'))?.args).toEqual(['xf', '/z.zip']);
    expect(unzipCommand('/z.zip', '/d', only('python3'))?.args).toEqual([
      '-m',
      'zipfile',
      '-e',
      '/z.zip',
      '/d',
    ]);
    expect(unzipCommand('/z.zip', '/d', () => undefined)).toBeUndefined();
  });
});

describe('lastLines', () => {
  it('drops colour codes and blank lines', () => {
    expect(lastLines('\u001b[1;31m[ERROR]\u001b[m a\n\n b \nc\n', 2)).toBe(' b\nc');
  });
});
