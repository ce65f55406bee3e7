import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // Integration files start whole platforms (Postgres, Redis, three driver processes): two at a
    // time is what a 2-core machine carries without timing out.
    maxWorkers: 2,
  },
});
