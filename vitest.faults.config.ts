import { defineConfig } from 'vitest/config';

// The slow fault-injection suite (npm run test:faults): real server processes killed with SIGKILL.
export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
