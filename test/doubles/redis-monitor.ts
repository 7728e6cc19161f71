import type { Redis } from 'ioredis';
import { newRedisClient } from './test-redis.js';

/** One command as Redis ran it: the name in lower case and its arguments, the prefix taken off. */
export interface MonitoredCommand {
  name: string;
  args: string[];
}

/**
 * Records the commands Redis runs on keys under `prefix` (MONITOR on its own connection, so the
 * count is what Redis actually did, pipelines and scripts included). Other tests share the Redis,
 * so a command counts only when one of its arguments starts with the prefix.
 */
export class RedisMonitor {
  readonly commands: MonitoredCommand[] = [];

  private constructor(
    private readonly monitor: Redis,
    private readonly prefix: string,
  ) {
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (!args.slice(1).some((a) => a.startsWith(prefix))) return;
      const [name = '', ...rest] = args;
      this.commands.push({ name: name.toLowerCase(), args: rest.map((a) => (a.startsWith(prefix) ? a.slice(prefix.length) : a)) });
    });
  }

  static async start(prefix: string): Promise<RedisMonitor> {
    const client = newRedisClient();
    // ioredis runs MONITOR on a connection of its own; the client that opened it is not needed.
    const monitor = await client.monitor();
    await client.quit();
    return new RedisMonitor(monitor, prefix);
  }

  /** Waits until Redis has streamed everything run so far (a marker command on another connection). */
  async caughtUp(marker: Redis): Promise<void> {
    const key = `${this.prefix}monitor-marker`;
    const isMarker = (c: MonitoredCommand) => c.name === 'exists' && c.args[0] === 'monitor-marker';
    await marker.exists(key);
    const deadline = Date.now() + 2_000;
    while (!this.commands.some(isMarker)) {
      if (Date.now() > deadline) throw new Error('MONITOR did not stream the marker within 2 s');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    this.commands.splice(this.commands.findIndex(isMarker), 1);
  }

  clear(): void {
    this.commands.length = 0;
  }

  async stop(): Promise<void> {
    this.monitor.disconnect();
  }
}
