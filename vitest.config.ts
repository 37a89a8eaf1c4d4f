import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            '{schemas,infra,ingest,detectors,simulator,demo,alerting,api,cli}/**/*.test.ts',
            'test/unit/**/*.test.ts',
            'test/issues/**/*.test.ts',
          ],
          environment: 'node',
          // A timeout catches a hang, not slowness: property tests run thousands of cases, and CI
          // runs this project beside the integration and fault stacks on two cores.
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          // One real stack for the whole run: started (or found) once, stopped at the end.
          globalSetup: ['test/helpers/stack-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
          // Integration files share one broker and one cluster on two cores; running them one at a
          // time keeps timings meaningful and avoids starving the broker.
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'faults',
          include: ['test/faults/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/helpers/stack-setup.ts', 'test/helpers/fault-stack-setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
