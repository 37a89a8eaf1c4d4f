import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isGatehoundError } from '../infra/errors.js';
import { importSavedObjects, savedObjects } from './dashboards.js';

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** A stand-in for Dashboards' saved-objects `_import` endpoint (no registry here ships Dashboards itself). */
async function dashboards(
  answer: (r: Received) => [number, unknown],
): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const r = { method: req.method!, url: req.url!, headers: req.headers, body };
      received.push(r);
      const [status, json] =
        req.headers['osd-xsrf'] === 'true'
          ? answer(r)
          : [400, { message: 'Request must contain a osd-xsrf header.' }];
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, received };
}

const ndjson = savedObjects('gatehound');
const count = ndjson.split('\n').filter(Boolean).length;

describe('gatehound dashboards import', () => {
  it('uploads every saved object as a multipart file with the osd-xsrf header', async () => {
    const osd = await dashboards((r) => {
      const objects = r.body.split('\n').filter((l) => l.startsWith('{'));
      return [200, { success: true, successCount: objects.length }];
    });
    const result = await importSavedObjects(ndjson, {
      url: osd.url,
      overwrite: true,
      auth: { user: 'admin', password: 'pw' },
    });
    expect(result).toEqual({ successCount: count });
    const [req] = osd.received;
    expect(req!.method).toBe('POST');
    expect(req!.url).toBe('/api/saved_objects/_import?overwrite=true');
    expect(req!.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(req!.body).toContain('name="file"; filename="gatehound.ndjson"');
    expect(req!.headers.authorization).toBe(`Basic ${Buffer.from('admin:pw').toString('base64')}`);
  });

  it('does not overwrite unless asked, and explains a conflict', async () => {
    const osd = await dashboards(() => [
      200,
      {
        success: false,
        successCount: 0,
        errors: [{ id: 'gatehound-overview', type: 'dashboard', error: { type: 'conflict' } }],
      },
    ]);
    const err = await importSavedObjects(ndjson, { url: osd.url, overwrite: false }).catch((e: unknown) => e);
    expect(osd.received[0]!.url).toBe('/api/saved_objects/_import');
    expect(isGatehoundError(err, 'DASHBOARDS_IMPORT_FAILED')).toBe(true);
    expect((err as Error).message).toContain('dashboard/gatehound-overview: conflict');
    expect((err as Error).message).toContain('--overwrite');
  });

  it('fails with the status when Dashboards refuses, never echoing the password', async () => {
    const osd = await dashboards(() => [401, { statusCode: 401, message: 'Unauthorized' }]);
    const err = await importSavedObjects(ndjson, {
      url: osd.url,
      overwrite: true,
      auth: { user: 'u', password: 'hunter2' },
    }).catch((e: unknown) => e);
    expect((err as Error).message).toBe('Dashboards answered 401');
    expect((err as Error).message).not.toContain('hunter2');
  });

  it('moves index patterns to a custom index prefix', () => {
    const moved = savedObjects('acme')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    expect(moved.filter((o) => o.type === 'index-pattern').map((o) => o.attributes.title)).toEqual([
      'acme-events-*',
      'acme-findings-*',
      'acme-incidents',
      'acme-actions',
    ]);
  });
});
