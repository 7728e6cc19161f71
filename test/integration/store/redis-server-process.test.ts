import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisServerProcess } from '../../doubles/redis-server-process.js';

describe('a Redis server of the test own (the outage double)', () => {
  let server: RedisServerProcess;
  beforeAll(async () => {
    server = await RedisServerProcess.start();
  });
  afterAll(async () => {
    await server.destroy();
  });

  it('keeps what was written across a crash and a restart (AOF), and stops answering while frozen', async () => {
    const client = new Redis(server.url, { maxRetriesPerRequest: 0, retryStrategy: () => 50, connectTimeout: 1_000, commandTimeout: 300 });
    await client.set('k', 'v');
    server.pause();
    await expect(client.get('k')).rejects.toThrow(/timed out/i);
    server.resume();
    await server.kill();
    await expect(client.get('k')).rejects.toThrow();
    await server.restart();
    await expect.poll(() => client.get('k').catch(() => null), { timeout: 5_000 }).toBe('v');
    client.disconnect();
  });
});
