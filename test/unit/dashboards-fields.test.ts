import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { INDEX_DEFS } from '../../infra/store/indices.js';
import type { IndexKind } from '../../infra/store/store.js';

interface SavedObject {
  type: string;
  id: string;
  attributes: Record<string, unknown> & { title: string };
  references: { name: string; type: string; id: string }[];
}

const objects: SavedObject[] = readFileSync(
  new URL('../../dashboards/gatehound.ndjson', import.meta.url),
  'utf8',
)
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line));

const PATTERN_INDEX: Record<string, IndexKind> = {
  'gatehound-events': 'events',
  'gatehound-findings': 'findings',
  'gatehound-incidents': 'incidents',
  'gatehound-actions': 'actions',
};

/** Every mapped field of an index template, with its type; multi-fields (http.path.raw) included. */
function mappedFields(kind: IndexKind): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (
    props: Record<string, { type?: string; properties?: object; fields?: object }>,
    prefix: string,
  ) => {
    for (const [name, def] of Object.entries(props)) {
      if (def.properties) visit(def.properties as never, `${prefix}${name}.`);
      if (def.type) out.set(`${prefix}${name}`, def.type);
      for (const [sub, subDef] of Object.entries((def.fields ?? {}) as Record<string, { type: string }>))
        out.set(`${prefix}${name}.${sub}`, subDef.type);
    }
  };
  visit((INDEX_DEFS[kind].mappings as { properties: never }).properties, '');
  return out;
}

function patternOf(obj: SavedObject): string {
  const ref = obj.references.find((r) => r.type === 'index-pattern');
  expect(ref, `${obj.id} references an index pattern`).toBeDefined();
  expect(Object.keys(PATTERN_INDEX), `${obj.id} → ${ref!.id}`).toContain(ref!.id);
  return ref!.id;
}

const byType = (type: string) => objects.filter((o) => o.type === type);
const AGGREGATABLE = new Set(['keyword', 'date', 'long', 'integer', 'double', 'boolean', 'ip']);

describe('the OpenSearch Dashboards saved objects', () => {
  it('ship index patterns for events, findings, incidents and actions with their time fields', () => {
    const patterns = byType('index-pattern').map((p) => [
      p.id,
      p.attributes.title,
      p.attributes.timeFieldName,
    ]);
    expect(patterns).toEqual([
      ['gatehound-events', 'gatehound-events-*', 'ts'],
      ['gatehound-findings', 'gatehound-findings-*', 'window.start'],
      ['gatehound-incidents', 'gatehound-incidents', 'lastSeen'],
      ['gatehound-actions', 'gatehound-actions', 'at'],
    ]);
    for (const p of byType('index-pattern')) {
      const kind = PATTERN_INDEX[p.id]!;
      expect(mappedFields(kind).get(String(p.attributes.timeFieldName)), p.id).toBe('date');
    }
  });

  it('list only fields the index templates map, with the type they map', () => {
    for (const p of byType('index-pattern')) {
      const mapped = mappedFields(PATTERN_INDEX[p.id]!);
      const fields = JSON.parse(String(p.attributes.fields)) as {
        name: string;
        esTypes?: string[];
        aggregatable: boolean;
      }[];
      for (const f of fields.filter((x) => !x.name.startsWith('_'))) {
        expect(mapped.has(f.name), `${p.id}: ${f.name} is not in the ${PATTERN_INDEX[p.id]} template`).toBe(
          true,
        );
        expect(f.esTypes, `${p.id}: ${f.name}`).toEqual([mapped.get(f.name)]);
        expect(f.aggregatable, `${p.id}: ${f.name}`).toBe(AGGREGATABLE.has(mapped.get(f.name)!));
      }
    }
  });

  it('aggregate visualisations only on mapped, aggregatable fields', () => {
    const visualisations = byType('visualization');
    expect(visualisations.map((v) => v.attributes.title)).toEqual([
      'gatehound: incidents over time by type',
      'gatehound: top subjects',
      'gatehound: auth failures by ip',
      'gatehound: injection categories',
    ]);
    for (const v of visualisations) {
      const mapped = mappedFields(PATTERN_INDEX[patternOf(v)]!);
      const { aggs } = JSON.parse(String(v.attributes.visState)) as {
        aggs: { params: { field?: string } }[];
      };
      for (const field of aggs.map((a) => a.params.field).filter((f): f is string => Boolean(f))) {
        expect(mapped.has(field), `${v.id}: ${field}`).toBe(true);
        expect(
          AGGREGATABLE.has(mapped.get(field)!),
          `${v.id}: ${field} (${mapped.get(field)}) is not aggregatable`,
        ).toBe(true);
      }
    }
  });

  it('show and sort saved searches on mapped fields', () => {
    for (const s of byType('search')) {
      const mapped = mappedFields(PATTERN_INDEX[patternOf(s)]!);
      for (const column of s.attributes.columns as string[])
        expect(mapped.has(column), `${s.id}: ${column}`).toBe(true);
      for (const [field] of s.attributes.sort as [string, string][]) {
        expect(AGGREGATABLE.has(mapped.get(field) ?? 'missing'), `${s.id} sorts on ${field}`).toBe(true);
      }
    }
  });

  it('query only mapped fields in their searches', () => {
    for (const obj of [...byType('search'), ...byType('visualization')]) {
      const mapped = mappedFields(PATTERN_INDEX[patternOf(obj)]!);
      const source = JSON.parse(
        String((obj.attributes.kibanaSavedObjectMeta as { searchSourceJSON: string }).searchSourceJSON),
      );
      for (const [, field] of String(source.query.query).matchAll(/([\w.]+):/g))
        expect(mapped.has(field!), `${obj.id}: ${field}`).toBe(true);
    }
  });

  it('have one overview dashboard whose panels all exist', () => {
    const [dashboard, ...others] = byType('dashboard');
    expect(others).toEqual([]);
    const panels = JSON.parse(String(dashboard!.attributes.panelsJSON)) as { panelRefName: string }[];
    expect(panels).toHaveLength(5);
    for (const panel of panels) {
      const ref = dashboard!.references.find((r) => r.name === panel.panelRefName);
      expect(
        objects.some((o) => o.id === ref?.id && o.type === ref?.type),
        panel.panelRefName,
      ).toBe(true);
    }
  });
});
