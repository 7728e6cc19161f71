import type { ReadinessConfig } from '../config/types.js';
import type { IncidentEngine } from '../incidents/incident-engine.js';
import { Scheduler } from '../monitor/scheduler.js';
import type { Logger } from '../observability/logger.js';
import type { Lease } from '../store/store.js';
import type { ReadinessEvaluator, ReadinessReport } from './readiness-evaluator.js';
import { readinessResult } from './readiness-result.js';

export interface ReadinessMonitorDeps {
  evaluator: Pick<ReadinessEvaluator, 'evaluate'>;
  engine: Pick<IncidentEngine, 'apply'>;
  config: ReadinessConfig;
  logger: Logger;
  /**
   * When a term's first cycle runs, as a fraction of `every` (0: at once). Default: a whole
   * `every` after the term starts, so a leadership change does not spend a cycle's AWS calls;
   * `/dr readiness` evaluates at once whenever asked.
   */
  phase?: () => number;
}

interface Term {
  lease: Lease | undefined;
  scheduler: Scheduler;
}

/**
 * The leader's readiness loop (SPEC §10): on each term, evaluates every runbook every
 * `readiness.every`, and hands each known verdict to the incident engine under the term's
 * lease (a refusal opens an incident at `readiness.severity`, a pass resolves it). An evaluation
 * asked for by hand (`/dr readiness`) is applied the same way when this process is the leader.
 */
export class ReadinessMonitor {
  private term: Term | null = null;
  /** Applications run one after another: the engine expects one writer per check at a time. */
  private applying: Promise<void> = Promise.resolve();

  constructor(private readonly deps: ReadinessMonitorDeps) {}

  start(lease?: Lease): void {
    if (this.term) return;
    const { config, logger } = this.deps;
    const scheduler = new Scheduler({ concurrency: 1, logger, random: this.deps.phase ?? (() => 1) });
    const term: Term = { lease, scheduler };
    scheduler.add({
      id: 'readiness',
      everyMs: config.everyMs,
      timeoutMs: config.everyMs,
      run: async () => {
        await this.applyUnder(term, await this.deps.evaluator.evaluate());
      },
    });
    this.term = term;
    scheduler.start();
  }

  async stop(): Promise<void> {
    const term = this.term;
    this.term = null;
    await term?.scheduler.stop();
  }

  /** Evaluates now; on the leader, the verdicts also open and resolve incidents. */
  async evaluateNow(): Promise<ReadinessReport> {
    const term = this.term;
    const report = await this.deps.evaluator.evaluate();
    if (term) await this.applyUnder(term, report);
    return report;
  }

  private applyUnder(term: Term, report: ReadinessReport): Promise<void> {
    // A scheduled cycle and `/dr readiness` may finish together; two applications of one check at
    // once could both see no open incident and open two.
    const next = this.applying.then(() => this.applyReport(term, report));
    this.applying = next.catch(() => undefined);
    return next;
  }

  private async applyReport(term: Term, report: ReadinessReport): Promise<void> {
    for (const verdict of report.runbooks) {
      // A term that ended mid-evaluation writes nothing; the engine's fence would drop it anyway.
      if (this.term !== term) return;
      const result = readinessResult(verdict, this.deps.config.severity, report.startedAt, report.durationMs);
      if (!result) continue;
      try {
        await this.deps.engine.apply(result, term.lease);
      } catch (err) {
        this.deps.logger.error({ err, checkId: result.checkId }, 'readiness result not applied; the next cycle tries again');
      }
    }
  }
}
