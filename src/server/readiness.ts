/** Something /readyz asks before saying ready: the store, Slack's connection, ... */
export interface ReadinessProbe {
  name: string;
  /**
   * False: a failure shows in /readyz details without making the replica unready (a refused
   * status-page key breaks public posts, not the service). Default true.
   */
  critical?: boolean;
  /** Resolves when ready; rejects with the reason otherwise. */
  check(): Promise<void>;
}

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, { ok: boolean; reason?: string }>;
}

/** Runs every probe in parallel, each bounded by `timeoutMs` so /readyz answers promptly. */
export async function checkReadiness(probes: ReadinessProbe[], timeoutMs: number): Promise<ReadinessReport> {
  const entries = await Promise.all(
    probes.map(async (probe) => {
      try {
        await withTimeout(probe.check(), timeoutMs, `${probe.name} did not answer within ${timeoutMs}ms`);
        return { probe, result: { ok: true } };
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        return { probe, result: { ok: false, reason } };
      }
    }),
  );
  const checks = Object.fromEntries(entries.map(({ probe, result }) => [probe.name, result]));
  return { ready: entries.every(({ probe, result }) => result.ok || probe.critical === false), checks };
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
