import { Counter, type Registry } from 'prom-client';

/** Outcome label values of lifeboat_pagerduty_events_total. */
export type DeliveryOutcome = 'delivered' | 'retried' | 'dropped' | 'refused';

const EVENTS_TOTAL = 'lifeboat_pagerduty_events_total';

/**
 * Paging metrics, on the app's registry. They belong in src/observability/metrics.ts with the
 * others; they live here until that file's owner moves them (one registration per registry, so a
 * second pager on the same registry reuses the counter).
 */
export class PagingMetrics {
  readonly events: Counter<'action' | 'outcome'>;

  constructor(registry: Registry) {
    const existing = registry.getSingleMetric(EVENTS_TOTAL);
    this.events =
      (existing as Counter<'action' | 'outcome'> | undefined) ??
      new Counter({
        name: EVENTS_TOTAL,
        help: 'PagerDuty Events API attempts by action (trigger, acknowledge, resolve) and outcome',
        labelNames: ['action', 'outcome'] as const,
        registers: [registry],
      });
  }
}
