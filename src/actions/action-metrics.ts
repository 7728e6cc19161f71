import { Histogram, type Counter, type Registry } from 'prom-client';
import type { ActionRequest } from '../core/action-request.js';
import type { RunStatus } from './run-outcome.js';

/**
 * Action metrics: `lifeboat_actions_total{action,outcome}` (defined in observability/metrics.ts)
 * and `lifeboat_action_duration_seconds{action,outcome}`, registered here on the same registry.
 * Labels are bounded: three actions, four outcomes.
 */
export class ActionMetrics {
  readonly duration: Histogram<'action' | 'outcome'>;

  constructor(private readonly metrics: { registry: Registry; actionsTotal: Counter<'action' | 'outcome'> }) {
    this.duration = new Histogram({
      name: 'lifeboat_action_duration_seconds',
      help: 'How long an executed DR action took, start of execution to its last step (measured RTO for failover)',
      labelNames: ['action', 'outcome'] as const,
      // seconds: status-page posts take seconds, promotions minutes, large restores hours
      buckets: [1, 5, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 21600],
      registers: [metrics.registry],
    });
  }

  /** Counts one finished run; its duration when known. */
  record(action: ActionRequest['kind'], outcome: RunStatus, elapsedMs: number | null): void {
    this.metrics.actionsTotal.inc({ action, outcome });
    if (elapsedMs !== null) this.duration.observe({ action, outcome }, elapsedMs / 1000);
  }
}
