import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../../src/core/check-result.js';
import { Metrics } from '../../../src/observability/metrics.js';

function run(checkId: string, ok: boolean, durationMs: number, measurement: CheckResult['measurement']): CheckResult {
  return { checkId, startedAt: 0, durationMs, ok, severity: ok ? null : 'SEV2', summary: ok ? 'ok' : 'failed', measurement };
}

const http = { kind: 'http', status: 200, url: 'https://api.example.com/health' } as const;

describe('the per-check series in a scrape', () => {
  it('shows each check once with its latest values, lag and backup age only where measured', async () => {
    const metrics = new Metrics();
    metrics.recordResult(run('api', false, 1500, { ...http, status: 503 }));
    metrics.recordResult(run('api', true, 42, http));
    metrics.recordResult(run('orders-lag', true, 80, { kind: 'replication-lag', lagSeconds: 12.5, metric: 'ReplicaLag' }));
    metrics.recordResult(run('orders-lag', false, 90, { kind: 'replication-lag', lagSeconds: null, metric: 'ReplicaLag' }));
    metrics.recordResult(run('orders-backups', true, 300, { kind: 'backup', ageSeconds: 3600, newestSnapshotId: 'rds:orders-db-1' }));
    const text = await metrics.render();
    const lines = text
      .split('\n')
      .filter((l) => /^lifeboat_(check_up|check_last_duration_seconds|replication_lag_seconds|backup_age_seconds)[{ ]/.test(l));
    expect(lines).toEqual([
      'lifeboat_check_up{check="api"} 1',
      'lifeboat_check_up{check="orders-lag"} 0',
      'lifeboat_check_up{check="orders-backups"} 1',
      'lifeboat_check_last_duration_seconds{check="api"} 0.042',
      'lifeboat_check_last_duration_seconds{check="orders-lag"} 0.09',
      'lifeboat_check_last_duration_seconds{check="orders-backups"} 0.3',
      // A run with no datapoint keeps the last measured lag rather than inventing one.
      'lifeboat_replication_lag_seconds{check="orders-lag"} 12.5',
      'lifeboat_backup_age_seconds{check="orders-backups"} 3600',
    ]);
    expect(text).toContain('# TYPE lifeboat_check_up gauge\n');
    expect(text).toContain('lifeboat_check_runs_total{type="http",outcome="fail"} 1');
    expect(text).toContain('lifeboat_check_runs_total{type="http",outcome="pass"} 1');
    expect(text).toContain('lifeboat_check_runs_total{type="replication-lag",outcome="pass"} 1');
    expect(text).toContain('lifeboat_check_runs_total{type="replication-lag",outcome="fail"} 1');
    expect(text).toContain('lifeboat_check_duration_seconds_count{type="http"} 2');
    expect(text).toContain('lifeboat_check_duration_seconds_sum{type="backup"} 0.3');
    // Every family is named once: Prometheus refuses a scrape that repeats one.
    const typeLines = text.split('\n').filter((l) => l.startsWith('# TYPE '));
    expect(new Set(typeLines).size).toBe(typeLines.length);
  });

  it('escapes a label value as the text format requires', async () => {
    const metrics = new Metrics();
    metrics.recordResult(run('a"b\\c\nd', true, 1, http));
    expect(await metrics.render()).toContain('lifeboat_check_up{check="a\\"b\\\\c\\nd"} 1\n');
  });

  it('shows each family as it is at the scrape, however few of its values changed since the last', async () => {
    const metrics = new Metrics();
    const series = async () =>
      (await metrics.render())
        .split('\n')
        .filter((l) => /^lifeboat_(check_up|check_last_duration_seconds|replication_lag_seconds)\{/.test(l));
    metrics.recordResult(run('api', true, 1, http));
    metrics.recordResult(run('lag', true, 10, { kind: 'replication-lag', lagSeconds: 3, metric: 'ReplicaLag' }));
    expect(await series()).toEqual([
      'lifeboat_check_up{check="api"} 1',
      'lifeboat_check_up{check="lag"} 1',
      'lifeboat_check_last_duration_seconds{check="api"} 0.001',
      'lifeboat_check_last_duration_seconds{check="lag"} 0.01',
      'lifeboat_replication_lag_seconds{check="lag"} 3',
    ]);
    // Families kept from the previous scrape must still follow every change made since it.
    metrics.recordResult(run('api', false, 2000, { ...http, status: 503 }));
    metrics.recordResult(run('lag', true, 11, { kind: 'replication-lag', lagSeconds: 4.5, metric: 'ReplicaLag' }));
    metrics.recordResult(run('new', true, 5, http));
    expect(await series()).toEqual([
      'lifeboat_check_up{check="api"} 0',
      'lifeboat_check_up{check="lag"} 1',
      'lifeboat_check_up{check="new"} 1',
      'lifeboat_check_last_duration_seconds{check="api"} 2',
      'lifeboat_check_last_duration_seconds{check="lag"} 0.011',
      'lifeboat_check_last_duration_seconds{check="new"} 0.005',
      'lifeboat_replication_lag_seconds{check="lag"} 4.5',
    ]);
    metrics.recordResult(run('api', true, 3, http));
    expect((await series())[0]).toBe('lifeboat_check_up{check="api"} 1');
  });
});
