import { describe, expect, it } from 'vitest';
import { isGatehoundError } from '../errors.js';
import { parsePort, resolveCacheDir, resolveStackPaths, resolveStateDir } from './paths.js';

const e = (env: Record<string, string> = {}) => ({ env, cwd: '/work/repo', home: '/home/dev' });

describe('resolveStackPaths', () => {
  it('defaults: ./.gatehound/stack, 9092/9093, 9200/9300, ~/.cache/gatehound', () => {
    const p = resolveStackPaths({}, e());
    expect(p.stateDir).toBe('/work/repo/.gatehound/stack');
    expect(p.logsDir).toBe('/work/repo/.gatehound/stack/logs');
    expect(p.cacheDir).toBe('/home/dev/.cache/gatehound');
    expect(p.kafka).toMatchObject({
      port: 9092,
      controllerPort: 9093,
      dataDir: '/work/repo/.gatehound/stack/kafka-data',
      pidFile: '/work/repo/.gatehound/stack/kafka.pid',
      serverProperties: '/work/repo/.gatehound/stack/kafka/server.properties',
      logFile: '/work/repo/.gatehound/stack/logs/kafka.log',
    });
    expect(p.opensearch).toMatchObject({
      port: 9200,
      transportPort: 9300,
      dataDir: '/work/repo/.gatehound/stack/opensearch/data',
      logsDir: '/work/repo/.gatehound/stack/logs/opensearch',
      pidFile: '/work/repo/.gatehound/stack/opensearch.pid',
    });
  });

  it('options beat env, env beats the recorded ports, recorded beats defaults', () => {
    const env = e({ GATEHOUND_STACK_KAFKA_PORT: '29092', GATEHOUND_STACK_OPENSEARCH_PORT: '29200' });
    expect(resolveStackPaths({ kafkaPort: 19092 }, env).kafka.port).toBe(19092);
    const fromEnv = resolveStackPaths({}, env, { kafkaPort: 39092, opensearchPort: 39200 });
    expect([fromEnv.kafka.port, fromEnv.kafka.controllerPort]).toEqual([29092, 29093]);
    expect([fromEnv.opensearch.port, fromEnv.opensearch.transportPort]).toEqual([29200, 29300]);
    const recorded = resolveStackPaths({}, e(), {
      kafkaPort: 39092,
      kafkaControllerPort: 40000,
      opensearchPort: 39200,
      opensearchTransportPort: 40001,
    });
    expect([recorded.kafka.port, recorded.kafka.controllerPort]).toEqual([39092, 40000]);
    expect([recorded.opensearch.port, recorded.opensearch.transportPort]).toEqual([39200, 40001]);
  });

  it('derives the controller and transport ports from a new base port, not from the recorded ones', () => {
    const p = resolveStackPaths({ kafkaPort: 19092 }, e(), { kafkaPort: 9092, kafkaControllerPort: 9999 });
    expect(p.kafka.controllerPort).toBe(19093);
  });

  it('rejects bad and clashing ports with CONFIG_INVALID naming the setting', () => {
    const bad = () => resolveStackPaths({}, e({ GATEHOUND_STACK_KAFKA_PORT: 'abc' }));
    expect(bad).toThrow(/GATEHOUND_STACK_KAFKA_PORT must be a TCP port/);
    try {
      bad();
    } catch (err) {
      expect(isGatehoundError(err, 'CONFIG_INVALID')).toBe(true);
    }
    expect(() => resolveStackPaths({ kafkaPort: 9200 }, e())).toThrow(/both 9200/);
    expect(() => resolveStackPaths({ kafkaPort: 9199 }, e())).toThrow(/both 9200/); // controller 9200
    expect(() => resolveStackPaths({ opensearchPort: 65500 }, e())).toThrow(/not a valid port/);
  });

  it('state dir: option, GATEHOUND_STACK_DIR, default; always absolute', () => {
    expect(resolveStateDir('x/y', e())).toBe('/work/repo/x/y');
    expect(resolveStateDir(undefined, e({ GATEHOUND_STACK_DIR: '/var/tmp/s' }))).toBe('/var/tmp/s');
    expect(resolveStateDir(undefined, e())).toBe('/work/repo/.gatehound/stack');
  });

  it('cache dir: GATEHOUND_STACK_CACHE, absolute XDG_CACHE_HOME, ~/.cache', () => {
    expect(resolveCacheDir(undefined, e({ GATEHOUND_STACK_CACHE: 'c', XDG_CACHE_HOME: '/x' }))).toBe(
      '/work/repo/c',
    );
    expect(resolveCacheDir(undefined, e({ XDG_CACHE_HOME: '/xdg' }))).toBe('/xdg/gatehound');
    expect(resolveCacheDir(undefined, e({ XDG_CACHE_HOME: 'relative' }))).toBe('/home/dev/.cache/gatehound');
  });

  it('parsePort', () => {
    expect(parsePort(' 8080 ', 'p')).toBe(8080);
    expect(() => parsePort('0', 'p')).toThrow();
    expect(() => parsePort('80.5', 'p')).toThrow();
    expect(() => parsePort(70000, 'p')).toThrow();
  });
});
