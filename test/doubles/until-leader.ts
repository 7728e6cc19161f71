import type { App } from '../../src/app.js';

/**
 * Waits until this replica holds the monitor lease after `app.start`: incidents are written under
 * it, so a test that applies results itself must wait for it first.
 */
export async function untilLeader(app: App, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!app.monitor.running) {
    if (Date.now() > deadline) throw new Error('this replica never became the monitor leader');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
