import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // Vitest's default is one worker less than the cores: one on a 2-core CI machine, where the
    // suite then ran file after file in 8.5 minutes. Most files wait on timers, sockets and Redis
    // rather than compute, so one worker a core runs it in under 5.
    maxWorkers: Math.max(2, availableParallelism()),
    // Integration files share one Redis; each uses its own key prefix, so files may run in parallel.
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // expect.poll waits for something that must happen; its 1 s default is what a busy 2-core CI
    // machine can take. A poll returns as soon as it holds, so a long deadline costs nothing.
    expect: { poll: { timeout: 10_000 } },
  },
});
