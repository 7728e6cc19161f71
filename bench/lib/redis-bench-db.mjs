// A Redis database index a bench has to itself: the service it starts writes under its default
// key prefix there, so the bench must own the whole DB to empty it between runs. It refuses a DB
// that holds keys it did not write, and a DB another bench run is using (a marker key).
import { hostname } from 'node:os';
import { Redis } from 'ioredis';

const MARKER = 'lifeboat-bench:owner';
/** The marker outlives a crashed bench by at most this; it is renewed while the bench runs. */
const MARKER_TTL_S = 60;

/** The DB index of a redis:// URL (its path, `/9`); 0 when it has none. */
export function dbIndex(url) {
  const path = new URL(url).pathname.replace(/^\//, '');
  return path === '' ? 0 : Number(path);
}

/**
 * Claims the DB of `url` for this process. Refuses DB 0 (where everything else on a shared Redis
 * lives by default), a DB with keys but no marker, and a DB whose marker is another run's.
 */
export async function claimBenchDb(url) {
  const db = dbIndex(url);
  if (!Number.isInteger(db) || db < 1) {
    throw new Error(`--redis ${url}: use a DB index other than 0 (e.g. redis://127.0.0.1:6379/9); the bench empties its DB`);
  }
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect().catch((err) => {
    redis.disconnect();
    throw new Error(`--redis: cannot use Redis DB ${db} at ${new URL(url).host}: ${err.message}`);
  });
  // ioredis does not fail connect() when its SELECT is refused (an index past `databases`): it
  // stays on DB 0. Ask the server which DB this connection is on before touching anything.
  const selected = /\bdb=(\d+)/.exec(String(await redis.client('INFO')))?.[1];
  if (Number(selected) !== db) {
    await redis.quit();
    throw new Error(
      `--redis ${url}: Redis did not select DB ${db} (the connection is on DB ${selected}); is ${db} below its \`databases\` setting?`,
    );
  }
  const owner = `${hostname()}:${process.pid}`;
  const keys = await redis.dbsize();
  const holder = await redis.get(MARKER);
  if (holder !== null) {
    await redis.quit();
    throw new Error(`Redis DB ${db} is in use by another bench run (${holder}); wait for it or pass another --redis DB`);
  }
  if (keys > 0) {
    await redis.quit();
    throw new Error(
      `Redis DB ${db} holds ${keys} keys this bench did not write; pass another --redis DB, or empty it (redis-cli -n ${db} flushdb) if they are a crashed bench's`,
    );
  }
  if ((await redis.set(MARKER, owner, 'EX', MARKER_TTL_S, 'NX')) !== 'OK') {
    await redis.quit();
    throw new Error(`Redis DB ${db} was claimed by another bench run just now; pass another --redis DB`);
  }
  const renew = setInterval(() => void redis.expire(MARKER, MARKER_TTL_S).catch(() => undefined), (MARKER_TTL_S / 3) * 1000);
  renew.unref();

  /** Deletes every key of the DB but the marker (SCAN + UNLINK, so Redis never blocks on a big DEL). */
  async function empty({ keepMarker }) {
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'COUNT', 1000);
      cursor = next;
      const doomed = keepMarker ? batch.filter((k) => k !== MARKER) : batch;
      if (doomed.length > 0) await redis.unlink(...doomed);
    } while (cursor !== '0');
  }

  return {
    db,
    /** The bench's own connection, to exclude its commands from counts. */
    redis,
    /** Empties the DB (the marker stays): between runs, so each starts from nothing. */
    empty: () => empty({ keepMarker: true }),
    /** Empties the DB, marker included, and closes the connection. */
    async release() {
      clearInterval(renew);
      try {
        await empty({ keepMarker: false });
      } finally {
        await redis.quit().catch(() => redis.disconnect());
      }
    },
  };
}
