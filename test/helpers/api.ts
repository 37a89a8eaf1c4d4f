import { type AddressInfo, createServer } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../api/app.js';
import { sha256Hex } from '../../api/auth.js';
import type { ApiDeps } from '../../api/deps.js';
import type { Bus } from '../../infra/bus/bus.js';
import { MemoryBus } from '../../infra/bus/memory.js';
import { ManualClock } from '../../infra/clock.js';
import { createLogger } from '../../infra/logger.js';
import { Metrics } from '../../infra/metrics.js';
import { RevocationSet } from '../../infra/revocations.js';
import { MemoryStore } from '../../infra/store/memory.js';
import type { Store } from '../../infra/store/store.js';
import { Config, type ConfigInput } from '../../schemas/config.js';
import type { Incident } from '../../schemas/incident.js';

/** One bearer token per role, as a client would send it. */
export const TOKENS = {
  viewer: 'viewer-token-0123456789',
  responder: 'responder-token-0123456789',
  admin: 'admin-token-0123456789',
} as const;

export const bearer = (role: keyof typeof TOKENS) => ({ authorization: `Bearer ${TOKENS[role]}` });

export interface Harness {
  app: FastifyInstance;
  deps: ApiDeps & { clock: ManualClock };
}

/** The API on the in-process bus and store (or the given ones), with a token for each role. */
export async function apiHarness(
  options: { store?: Store; bus?: Bus; config?: ConfigInput; deps?: Partial<Omit<ApiDeps, 'clock'>> } = {},
): Promise<Harness> {
  const config = Config.parse({
    ...options.config,
    api: {
      tokens: Object.entries(TOKENS).map(([role, token]) => ({
        name: `${role}-1`,
        role,
        sha256: sha256Hex(token),
      })),
      ...options.config?.api,
    },
  });
  const clock = new ManualClock(Date.parse('2026-12-01T12:00:00Z'));
  const store = options.store ?? new MemoryStore();
  await store.ensureIndices();
  const deps = {
    config,
    store,
    bus: options.bus ?? new MemoryBus(config.kafka),
    revocations: new RevocationSet(clock),
    metrics: new Metrics(),
    clock,
    log: createLogger({ level: 'silent' }),
    ...options.deps,
  };
  return { app: await buildApp(deps), deps };
}

/** A valid incident; i spreads type, subject, severity and times so filters have something to tell apart. */
export function incident(i: number, overrides: Partial<Incident> = {}): Incident {
  const minute = String(i % 60).padStart(2, '0');
  const hour = String(Math.floor(i / 60) % 24).padStart(2, '0');
  const day = String(1 + (Math.floor(i / 1440) % 28)).padStart(2, '0');
  return {
    id: `inc-${String(i).padStart(6, '0')}`,
    type: (['volume_spike', 'probing', 'auth_failure_burst', 'injection'] as const)[i % 4]!,
    subject:
      i % 2
        ? { kind: 'ip', id: `203.0.113.${i % 250}` }
        : { kind: 'key', id: (i % 97).toString(16).padStart(32, 'a') },
    severity: (['low', 'medium', 'high', 'critical'] as const)[i % 4]!,
    status: 'open',
    score: (i % 100) / 100,
    firstSeen: `2026-11-${day}T${hour}:${minute}:00.000Z`,
    lastSeen: `2026-11-${day}T${hour}:${minute}:30.000Z`,
    detectedAt: `2026-11-${day}T${hour}:${minute}:10.000Z`,
    findingCount: 1 + (i % 5),
    evidence: {
      signal: i % 3 ? 'requests_per_minute' : 'distinct_paths',
      observed: i,
      baseline: 1,
      threshold: 10,
      sampleEventIds: [],
      ...(i % 4 === 3 && {
        signatures: [{ id: 'ignore-previous', category: 'instruction_override', count: 2 }],
      }),
    },
    actions: [],
    ...overrides,
  };
}

/** A port nothing listens on now, for a server that must be started on a configured port. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
