import type { CheckResult } from '../core/check-result.js';

/** One check's latest values; `labels` is its `{check="…"}` written once, escaped. */
interface CheckSeries {
  labels: string;
  up: number;
  lastDurationSeconds: number;
  lagSeconds?: number;
  backupAgeSeconds?: number;
}

interface Family {
  name: string;
  help: string;
  value: (series: CheckSeries) => number | undefined;
}

// The families a check reports on every run, in scrape order. SPEC §4 names them.
const FAMILIES: readonly Family[] = [
  { name: 'lifeboat_check_up', help: 'Whether the check passed on its latest run (1) or failed (0)', value: (s) => s.up },
  {
    name: 'lifeboat_check_last_duration_seconds',
    help: "How long the check's latest run took",
    value: (s) => s.lastDurationSeconds,
  },
  { name: 'lifeboat_replication_lag_seconds', help: 'Latest replication lag measured by the check', value: (s) => s.lagSeconds },
  { name: 'lifeboat_backup_age_seconds', help: 'Age of the newest available snapshot seen by the check', value: (s) => s.backupAgeSeconds },
];

/**
 * The per-check gauges, kept as plain values and written as Prometheus text directly. They are
 * most of a large scrape (two series a check, 40,000 at 20,000 checks), and prom-client builds
 * each labelled series through a label-hash lookup and an object per line at every scrape, which
 * at that size took ~100 ms of the event loop the monitor shares. Here a check's label text is
 * escaped once, when the check first reports, and a scrape is one pass of string appends.
 */
export class PerCheckSeries {
  private readonly byCheck = new Map<string, CheckSeries>();

  record(result: CheckResult): void {
    let series = this.byCheck.get(result.checkId);
    if (!series) {
      series = { labels: `{check="${escapeLabelValue(result.checkId)}"}`, up: 0, lastDurationSeconds: 0 };
      this.byCheck.set(result.checkId, series);
    }
    series.up = result.ok ? 1 : 0;
    series.lastDurationSeconds = result.durationMs / 1000;
    const m = result.measurement;
    if (m.kind === 'replication-lag' && m.lagSeconds !== null) series.lagSeconds = m.lagSeconds;
    if (m.kind === 'backup' && m.ageSeconds !== null) series.backupAgeSeconds = m.ageSeconds;
  }

  /** The families in the Prometheus text format (0.0.4); empty families still show HELP and TYPE. */
  render(): string {
    const parts: string[] = [];
    for (const family of FAMILIES) {
      parts.push(`# HELP ${family.name} ${family.help}\n# TYPE ${family.name} gauge\n`);
      for (const series of this.byCheck.values()) {
        const value = family.value(series);
        if (value !== undefined) parts.push(`${family.name}${series.labels} ${formatValue(value)}\n`);
      }
    }
    return parts.join('');
  }
}

/** "label_value can be any sequence of UTF-8 characters, but the backslash (\), double-quote ("), and line feed (\n) characters have to be escaped". */
function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** Go's float formatting as the text format expects it: `NaN`, `+Inf`, `-Inf`, else the number. */
function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}
