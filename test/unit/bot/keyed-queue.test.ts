import { describe, expect, it } from 'vitest';
import { KeyedQueue } from '../../../src/bot/keyed-queue.js';
import { silentLogger } from '../../../src/observability/logger.js';

class Transient extends Error {}

function queue(sleeps: number[] = []) {
  return new KeyedQueue({
    logger: silentLogger(),
    retryDelaysMs: [10, 20],
    isRetryable: (err) => err instanceof Transient,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
}

describe('KeyedQueue', () => {
  it('returns at once and runs a key’s tasks in order, retrying a failure before the next task', async () => {
    const sleeps: number[] = [];
    const q = queue(sleeps);
    const log: string[] = [];
    let failures = 1;
    q.enqueue('INC-1', 'a', async () => {
      log.push('a');
      if (failures-- > 0) throw new Transient('429');
    });
    q.enqueue('INC-1', 'b', async () => {
      log.push('b');
    });
    expect(log).toEqual([]);
    await q.drain();
    expect(log).toEqual(['a', 'a', 'b']);
    expect(sleeps).toEqual([10]);
  });

  it('drops a task after its retries, or at once when retrying cannot help, and goes on', async () => {
    const sleeps: number[] = [];
    const q = queue(sleeps);
    const log: string[] = [];
    q.enqueue('k', 'always-429', async () => {
      log.push('x');
      throw new Transient('429');
    });
    q.enqueue('k', 'bad-request', async () => {
      log.push('y');
      throw new Error('invalid_blocks');
    });
    q.enqueue('k', 'fine', async () => {
      log.push('z');
    });
    await q.drain();
    expect(log).toEqual(['x', 'x', 'x', 'y', 'z']);
    expect(sleeps).toEqual([10, 20]);
  });

  it('keys do not wait for each other', async () => {
    const q = queue();
    const log: string[] = [];
    let release: () => void = () => undefined;
    q.enqueue('slow', 'slow', () => new Promise<void>((resolve) => (release = () => { log.push('slow'); resolve(); })));
    q.enqueue('fast', 'fast', async () => {
      log.push('fast');
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(log).toEqual(['fast']);
    release();
    await q.drain();
    expect(log).toEqual(['fast', 'slow']);
    expect(q.busyKeys).toBe(0);
  });

  it('stops retrying after stop()', async () => {
    const q = queue();
    let attempts = 0;
    q.stop();
    q.enqueue('k', 't', async () => {
      attempts += 1;
      throw new Transient('5xx');
    });
    await q.drain();
    expect(attempts).toBe(1);
  });
});
