import type { Redis } from 'ioredis';
import { openMonitorFeed } from './monitor-feed.js';

/** One command as Redis ran it: the name in lower case and its arguments, the prefix taken off. */
export interface MonitoredCommand {
  name: string;
  args: string[];
}

/**
 * Records the commands Redis runs on keys under `prefix` (MONITOR on a socket of its own, so the
 * count is what Redis actually did, pipelines and scripts included). Other tests share the Redis,
 * so a command counts only when one of its arguments starts with the prefix.
 */
export class RedisMonitor {
  readonly commands: MonitoredCommand[] = [];

  private feed: { close(): void } | null = null;

  private constructor(private readonly prefix: string) {}

  static async start(prefix: string): Promise<RedisMonitor> {
    const monitor = new RedisMonitor(prefix);
    monitor.feed = await openMonitorFeed(({ args }) => monitor.record(args));
    return monitor;
  }

  private record(args: string[]): void {
    if (!args.slice(1).some((a) => a.startsWith(this.prefix))) return;
    const [name = '', ...rest] = args;
    this.commands.push({ name: name.toLowerCase(), args: rest.map((a) => (a.startsWith(this.prefix) ? a.slice(this.prefix.length) : a)) });
  }

  /** Waits until Redis has streamed everything run so far (a marker command on another connection). */
  async caughtUp(marker: Redis): Promise<void> {
    const key = `${this.prefix}monitor-marker`;
    const isMarker = (c: MonitoredCommand) => c.name === 'exists' && c.args[0] === 'monitor-marker';
    await marker.exists(key);
    // Generous: a busy CI machine with the suite's files in parallel can hold the feed back.
    const deadline = Date.now() + 10_000;
    while (!this.commands.some(isMarker)) {
      if (Date.now() > deadline) throw new Error('MONITOR did not stream the marker within 10 s');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    this.commands.splice(this.commands.findIndex(isMarker), 1);
  }

  clear(): void {
    this.commands.length = 0;
  }

  async stop(): Promise<void> {
    this.feed?.close();
  }
}
