import { createTask, type ScheduledTask } from 'node-cron';

/**
 * When each scheduled drill fires next, for `/dr drills` on any replica (the schedule itself runs
 * on the leader only). node-cron computes it from a stopped task of the same expression and
 * timezone the scheduler uses, so the answer is node-cron's own, not a second cron reading; it is
 * taken from the system clock, as the schedule fires by it. One stopped task per drill, made once.
 */
export class NextScheduledRun {
  private readonly tasks = new Map<string, ScheduledTask>();

  constructor(schedules: ReadonlyArray<{ name: string; schedule: string }>) {
    for (const { name, schedule } of schedules)
      this.tasks.set(
        name,
        createTask(schedule, () => undefined, { timezone: 'UTC' }),
      );
  }

  /** Epoch ms of the drill's next tick; undefined for a drill without a schedule. */
  of(name: string): number | undefined {
    return this.tasks.get(name)?.getNextRuns(1)[0]?.getTime();
  }
}
