import type { Config } from '../config/types.js';
import type { Clock } from '../core/clock.js';
import type { DrillListing } from '../drills/drill-service.js';
import type { Logger } from '../observability/logger.js';
import type { CheckStates } from '../store/read-check-states.js';
import { lastMeasuredRuns, type MeasuredRun, type RunSources } from './last-runs.js';
import { assessPosture, postureCheckIds, type Posture } from './posture.js';
import { namedDatabases } from './posture-databases.js';
import type { PostureReader } from './posture-reader.js';

/** Longest the posture waits for the store (check states, drills, runs) before showing those parts as unavailable. */
export const POSTURE_STORE_DEADLINE_MS = 2_000; // 2 seconds

export interface PostureServiceDeps {
  config: Pick<Config, 'checks' | 'runbooks' | 'drills'>;
  reader: Pick<PostureReader, 'read'>;
  /** The drills' newest outcomes (DrillService.list); absent when none are configured. */
  drills?: { list(): Promise<DrillListing[]> };
  /** Past runs (the audit log and approval store); absent: runs are not shown. */
  runs?: RunSources;
  clock: Clock;
  logger: Logger;
  storeDeadlineMs?: number;
}

/**
 * The DR posture (SPEC §10) as `/dr status` and the scheduled post show it: AWS read through the
 * cached PostureReader, the stored check states (backups, lag, the leader's last readiness verdicts:
 * never a fresh pre-flight), the drills' history and the newest runs, all at once and each bounded,
 * so one slow part is shown as unavailable instead of holding the answer. Never throws.
 */
export class PostureService {
  constructor(private readonly deps: PostureServiceDeps) {}

  /** The checks whose stored states the posture needs: backup and lag checks, the readiness verdicts. */
  checkIds(): string[] {
    return postureCheckIds(this.deps.config);
  }

  /**
   * `states`: the caller's read of (at least) `checkIds()`. `/dr status` reads most of them for its
   * own check lines too, so it reads them once and hands the same read to both.
   */
  async assess(states: Promise<CheckStates>): Promise<Posture> {
    const { config, reader, clock } = this.deps;
    const unavailable: string[] = [];
    const databases = namedDatabases(config);
    // A backup check's last result already says the newest snapshot; AWS is asked only for the others.
    const unwatched = databases.filter((db) => db.backupChecks.length === 0);
    const [aws, checkStates, drills, runs] = await Promise.all([
      reader.read(databases, unwatched),
      this.bounded('check states (backups, lag, readiness)', unavailable, () => states),
      this.deps.drills
        ? this.bounded('drill history', unavailable, () => (this.deps.drills as { list(): Promise<DrillListing[]> }).list())
        : [],
      this.deps.runs
        ? this.bounded('past runs', unavailable, () => lastMeasuredRuns(this.deps.runs as RunSources))
        : new Map<string, MeasuredRun>(),
    ]);
    return assessPosture({ config, aws, states: checkStates ?? new Map(), drills, runs, unavailable, nowMs: clock.now() });
  }

  /** `read`'s answer, or null (named in `unavailable`) when it failed or took longer than the deadline. */
  private async bounded<T>(part: string, unavailable: string[], read: () => Promise<T>): Promise<T | null> {
    const deadlineMs = this.deps.storeDeadlineMs ?? POSTURE_STORE_DEADLINE_MS;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), deadlineMs);
    });
    try {
      const answer = await Promise.race([read(), late]);
      if (answer !== 'late') return answer;
      unavailable.push(`${part}: the store did not answer within ${deadlineMs / 1000}s`);
    } catch (err) {
      this.deps.logger.warn({ err, part }, 'the DR posture could not read part of its data; shown as unavailable');
      unavailable.push(`${part}: could not be read`);
    } finally {
      clearTimeout(timer);
    }
    return null;
  }
}
