import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // Integration files share one Redis; each uses its own key prefix, so files may run in parallel.
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
