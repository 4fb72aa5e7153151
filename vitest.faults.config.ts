import { defineConfig } from 'vitest/config';

// The slow fault-injection suite (npm run test:faults): real server processes killed with SIGKILL, full disks,
// stepped clocks and deadline checks. One file at a time: a deadline measured while another file loads both cores
// would measure the machine, not the bot.
export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
