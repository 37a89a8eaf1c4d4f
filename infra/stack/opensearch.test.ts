import { describe, expect, it } from 'vitest';
import {
  adaptJvmOptions,
  opensearchLog4j2Properties,
  opensearchNeedles,
  opensearchSettings,
} from './opensearch.js';
import { resolveStackPaths } from './paths.js';

/** `${…}` placeholders that OpenSearch itself expands, written without tripping the template-string lint. */
const $ = '$';
const p = resolveStackPaths({ stateDir: '/s', opensearchPort: 19200 }, { env: {}, cwd: '/', home: '/h' });

// The relevant lines of the 2.19.1 distribution's config/jvm.options.
const JVM_OPTIONS = `-Xms1g
-Xmx1g
11-:-XX:+UseG1GC
-Djava.io.tmpdir=\${OPENSEARCH_TMPDIR}
-XX:+HeapDumpOnOutOfMemoryError
-XX:HeapDumpPath=data
-XX:ErrorFile=logs/hs_err_pid%p.log
8:-Xloggc:logs/gc.log
9-:-Xlog:gc*,gc+age=trace,safepoint:file=logs/gc.log:utctime,pid,tags:filecount=32,filesize=64m
18-:-Djava.security.manager=allow`;

describe('adaptJvmOptions', () => {
  const out = adaptJvmOptions(JVM_OPTIONS, '/s/logs/opensearch').split('\n');

  it('sets our heap and keeps unrelated lines', () => {
    expect(out).toContain('-Xms512m');
    expect(out).toContain('-Xmx512m');
    expect(out).toContain('11-:-XX:+UseG1GC');
    expect(out).toContain('18-:-Djava.security.manager=allow');
    expect(out).toContain(`-Djava.io.tmpdir=${$}{OPENSEARCH_TMPDIR}`);
  });

  it('moves every path that pointed into the install dir to our logs dir, with small GC logs', () => {
    expect(out).toContain('-XX:ErrorFile=/s/logs/opensearch/hs_err_pid%p.log');
    expect(out).toContain(
      '9-:-Xlog:gc*:file=/s/logs/opensearch/gc.log:utctime,pid,tags:filecount=2,filesize=8m',
    );
    expect(out).toContain('8:-Xloggc:/s/logs/opensearch/gc.log');
    expect(out).toContain('-XX:-HeapDumpOnOutOfMemoryError');
    expect(out.join('\n')).not.toMatch(/[=:]logs\//);
    expect(out.join('\n')).not.toContain('HeapDumpPath=data');
  });
});

describe('opensearchSettings', () => {
  it('single node on loopback with our ports, paths and no disk watermarks', () => {
    expect(opensearchSettings(p)).toEqual(
      expect.arrayContaining([
        '-Ediscovery.type=single-node',
        '-Enetwork.host=127.0.0.1',
        '-Ehttp.port=19200',
        '-Etransport.port=19300',
        '-Epath.data=/s/opensearch/data',
        '-Epath.logs=/s/logs/opensearch',
        '-Ecluster.routing.allocation.disk.threshold_enabled=false',
      ]),
    );
  });

  it('the needle is one of the settings, so the launched process matches it', () => {
    for (const n of opensearchNeedles(p)) expect(opensearchSettings(p)).toContain(n);
  });
});

describe('opensearchLog4j2Properties', () => {
  it('one rolling plain-text log, no console appender', () => {
    const text = opensearchLog4j2Properties();
    expect(text).toContain('appender.rolling.policies.size.size = 10MB');
    expect(text).toContain(`${$}{sys:opensearch.logs.cluster_name}.log`);
    expect(text).not.toMatch(/appender\.console/);
    expect(text).toContain('HeaderWarningAppender');
  });
});
