import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../observability/logger.js';
import type { DrillService } from './drill-service.js';

/**
 * Scheduled drills (`drills.<name>.schedule`, node-cron, UTC), on the monitor leader only: the
 * config is their approval (SPEC §10). Started when this replica is elected, stopped when it is
 * demoted; a drill already running keeps running (it owns its claim) and the next leader's
 * schedule starts the next one.
 */
export class DrillScheduler {
  private tasks: ScheduledTask[] = [];

  constructor(
    private readonly service: Pick<DrillService, 'start'>,
    private readonly schedules: ReadonlyArray<{ name: string; schedule: string }>,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.tasks.length > 0) return;
    this.tasks = this.schedules.map(({ name, schedule }) =>
      cron.schedule(schedule, () => void this.fire(name), { timezone: 'UTC', name: `drill:${name}` }),
    );
  }

  stop(): void {
    for (const task of this.tasks) void task.stop();
    this.tasks = [];
  }

  /** What a schedule tick does; also the test entry point. */
  async fire(name: string): Promise<void> {
    try {
      const started = await this.service.start(name);
      if (started.ok) this.logger.info({ drill: name, runId: started.runId }, 'scheduled drill started');
      else this.logger.warn({ drill: name }, `scheduled drill not started: ${started.reason}`);
    } catch (err) {
      this.logger.error({ err, drill: name }, 'scheduled drill could not start');
    }
  }
}
