import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/** What ioredis's defineCommand adds to a client when the number of keys is given per call. */
type ScriptCommand = (numberOfKeys: number, ...keysAndArgs: (string | number)[]) => Promise<unknown>;

/**
 * A Lua script, run atomically through ioredis's `defineCommand`: the client sends the source once
 * per connection (EVAL) and the SHA after that (EVALSHA), and re-sends the source itself when the
 * server answers NOSCRIPT (first use, Redis restarted, SCRIPT FLUSH).
 */
export class LuaScript {
  /** The command name on the client: the SHA keeps two scripts that share a name apart. */
  private readonly command: string;

  constructor(
    readonly name: string,
    readonly source: string,
  ) {
    const sha = createHash('sha1').update(source).digest('hex');
    this.command = `lifeboat_${name.replace(/[^A-Za-z0-9]/g, '_')}_${sha.slice(0, 12)}`;
  }

  /** Runs the script atomically with the given keys and arguments. */
  run(redis: Redis, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    return this.commandOn(redis)(keys.length, ...keys, ...args);
  }

  private commandOn(redis: Redis): ScriptCommand {
    // Defined lazily: a client is shared by every store, and scripts are only registered on it when used.
    if (!(this.command in redis)) redis.defineCommand(this.command, { lua: this.source });
    const command: ScriptCommand = Reflect.get(redis, this.command);
    return command.bind(redis);
  }
}
