// The mixed fleet the metrics benches record: 90 % HTTP, 5 % replication lag, 5 % backup; 2 % failing.

/** Check i's result on its `run`-th run (durations move between runs, as real ones do). */
export function fleetResult(i, run) {
  const ok = i % 50 !== 0;
  const kind = i % 20 === 0 ? 'replication-lag' : i % 20 === 1 ? 'backup' : 'http';
  const measurement =
    kind === 'http'
      ? { kind, status: ok ? 200 : 503, url: `http://svc-${i}.internal/health` }
      : kind === 'backup'
        ? { kind, ageSeconds: 3600, snapshotId: `rds:db-${i}` }
        : { kind, lagSeconds: 4, metric: 'ReplicaLag' };
  return {
    checkId: `check-${i}`,
    startedAt: Date.now(),
    durationMs: 5 + ((i + run) % 40),
    ok,
    severity: ok ? null : 'SEV2',
    summary: ok ? 'ok' : 'HTTP 503',
    measurement,
  };
}
