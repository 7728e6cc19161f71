import type { CheckResult } from '../core/check-result.js';
import { flatConcat } from '../core/flat-string.js';

/** One check's latest values; `labels` is its `{check="…"}` written once, escaped. */
interface CheckSeries {
  labels: string;
  up: number;
  /** In ms as measured (whole ms from the clock): a small integer V8 stores inline, not boxed. */
  lastDurationMs: number;
  lagSeconds?: number;
  backupAgeSeconds?: number;
}

interface Family {
  name: string;
  help: string;
  /** The sample's value as text, or undefined when the check has none in this family. */
  value: (series: CheckSeries) => string | undefined;
}

// The families a check reports on every run, in scrape order. SPEC §4 names them.
const FAMILIES: readonly Family[] = [
  { name: 'lifeboat_check_up', help: 'Whether the check passed on its latest run (1) or failed (0)', value: (s) => (s.up ? '1' : '0') },
  {
    name: 'lifeboat_check_last_duration_seconds',
    help: "How long the check's latest run took",
    value: (s) => formatValue(s.lastDurationMs / 1000),
  },
  {
    name: 'lifeboat_replication_lag_seconds',
    help: 'Latest replication lag measured by the check',
    value: (s) => (s.lagSeconds === undefined ? undefined : formatValue(s.lagSeconds)),
  },
  {
    name: 'lifeboat_backup_age_seconds',
    help: 'Age of the newest available snapshot seen by the check',
    value: (s) => (s.backupAgeSeconds === undefined ? undefined : formatValue(s.backupAgeSeconds)),
  },
];
const UP = 0;
const LAST_DURATION = 1;
const LAG = 2;
const BACKUP_AGE = 3;

/**
 * The per-check gauges, kept as plain values and written as Prometheus text directly. They are
 * most of a large scrape (two series a check, 40,000 at 20,000 checks), and prom-client builds
 * each labelled series through a label-hash lookup and an object per line at every scrape, which
 * at that size took ~100 ms of the event loop the monitor shares. Here a check's label text is
 * escaped once, when the check first reports, and a scrape is one pass of string appends over the
 * families that changed: a family's text is kept from the previous scrape until one of its values
 * changes, so `lifeboat_check_up`, where a value flips only when a check starts or stops failing,
 * is rebuilt only then (half the lines of a scrape of HTTP checks).
 */
export class PerCheckSeries {
  private readonly byCheck = new Map<string, CheckSeries>();
  private readonly familyText: (string | null)[] = FAMILIES.map(() => null);

  record(result: CheckResult): void {
    let series = this.byCheck.get(result.checkId);
    if (!series) {
      // `up: -1` so the first run changes it, which is what puts a new check into the kept text.
      series = { labels: flatConcat('{check="', escapeLabelValue(result.checkId), '"}'), up: -1, lastDurationMs: 0 };
      this.byCheck.set(result.checkId, series);
    }
    const up = result.ok ? 1 : 0;
    if (series.up !== up) {
      series.up = up;
      this.familyText[UP] = null;
    }
    series.lastDurationMs = result.durationMs;
    this.familyText[LAST_DURATION] = null;
    const m = result.measurement;
    if (m.kind === 'replication-lag' && m.lagSeconds !== null && m.lagSeconds !== series.lagSeconds) {
      series.lagSeconds = m.lagSeconds;
      this.familyText[LAG] = null;
    }
    if (m.kind === 'backup' && m.ageSeconds !== null && m.ageSeconds !== series.backupAgeSeconds) {
      series.backupAgeSeconds = m.ageSeconds;
      this.familyText[BACKUP_AGE] = null;
    }
  }

  /** The families in the Prometheus text format (0.0.4); empty families still show HELP and TYPE. */
  render(): string {
    let text = '';
    FAMILIES.forEach((family, i) => {
      let familyText = this.familyText[i] ?? null;
      if (familyText === null) {
        familyText = renderFamily(family, this.byCheck.values());
        this.familyText[i] = familyText;
      }
      text += familyText;
    });
    return text;
  }
}

function renderFamily(family: Family, all: Iterable<CheckSeries>): string {
  const lines = [`# HELP ${family.name} ${family.help}\n# TYPE ${family.name} gauge\n`];
  for (const series of all) {
    const value = family.value(series);
    if (value !== undefined) lines.push(`${family.name}${series.labels} ${value}\n`);
  }
  return lines.join('');
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
