import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests import workspace packages from source, so they never depend on a stale dist/.
const alias = {
  '@tailguard/core/cli': fileURLToPath(new URL('./packages/core/src/cli/index.ts', import.meta.url)),
  '@tailguard/core': fileURLToPath(new URL('./packages/core/src/index.ts', import.meta.url)),
  '@tailguard/fix': fileURLToPath(new URL('./packages/fix/src/index.ts', import.meta.url)),
  '@tailguard/redis-store': fileURLToPath(new URL('./packages/redis-store/src/index.ts', import.meta.url)),
};

export default defineConfig({
  test: {
    // Real servers and sockets: keep parallelism to the two cores CI has.
    maxWorkers: 2,
    minWorkers: 1,
    projects: [
      { resolve: { alias }, test: { name: 'core', include: ['packages/core/test/**/*.test.ts'], testTimeout: 20_000 } },
      { resolve: { alias }, test: { name: 'fix', include: ['packages/fix/test/**/*.test.ts'], testTimeout: 60_000 } },
      { resolve: { alias }, test: { name: 'redis-store', include: ['packages/redis-store/test/**/*.test.ts'], testTimeout: 60_000 } },
      { resolve: { alias }, test: { name: 'examples', include: ['packages/examples/test/**/*.test.ts'], testTimeout: 120_000 } },
      { resolve: { alias }, test: { name: 'integration', include: ['test/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 60_000 } },
    ],
  },
});
