import type { Approval } from './approval.js';
import { executeRun, type ExecuteHandler } from './execute-run.js';
import { StoreRunControl, type RunControlDeps } from './run-control.js';

/** How many launched run ids a replica remembers; a run starts within moments of its launch. */
const LAUNCHES_REMEMBERED = 1_000;

/** What a RunLauncher hands runs over with: what each of its RunControls reports through. */
export type RunLauncherDeps = RunControlDeps;

/**
 * This replica's side of the exactly-once hand-off: the runner plugged in, the runs in flight, and
 * the runs already launched here. A claim can reach the engine twice (the store's reply to the
 * approving click, and a re-read after that reply was lost or the command re-sent), so a run is
 * launched only through `claim`: the first caller launches it, every later one does not.
 */
export class RunLauncher {
  private handler: ExecuteHandler | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  /** The controls of the runs in flight here, by request id: what `handBack` marks interrupted. */
  private readonly controls = new Map<string, StoreRunControl>();
  private readonly launched = new Set<string>();

  constructor(private readonly deps: RunLauncherDeps) {}

  /** Plugs in the runner; one at a time. Returns the function that unplugs it. */
  plug(handler: ExecuteHandler): () => void {
    if (this.handler) throw new Error('an onExecute handler is already registered on this approval engine');
    this.handler = handler;
    return () => {
      if (this.handler === handler) this.handler = null;
    };
  }

  /** True the first time for `id`: the caller launches the run. Synchronous, so racing callers cannot both win. */
  claim(id: string): boolean {
    if (this.launched.has(id)) return false;
    this.launched.add(id);
    if (this.launched.size > LAUNCHES_REMEMBERED) {
      const oldest = this.launched.values().next().value;
      if (oldest !== undefined) this.launched.delete(oldest);
    }
    return true;
  }

  /** True when the run was claimed for this replica by `approverId`'s approval, the one that completed the count. */
  isOwnClaim(approval: Approval, approverId: string): boolean {
    return (
      (approval.state === 'approved' || approval.state === 'running') &&
      approval.run?.runnerId === this.deps.runnerId &&
      approval.approvals[approval.requiredApprovals - 1]?.userId === approverId
    );
  }

  /** Hands a claimed run (see claim) to the runner in the background, renewing its lease until the runner returns. */
  start(approval: Approval): void {
    const { store, clock, logger, runnerId, runLeaseMs, emit } = this.deps;
    const control = new StoreRunControl(approval, { store, clock, logger, runnerId, runLeaseMs, emit });
    const task = executeRun(control, this.handler, { runLeaseMs, logger });
    this.inFlight.add(task);
    this.controls.set(approval.id, control);
    void task.finally(() => {
      this.inFlight.delete(task);
      if (this.controls.get(approval.id) === control) this.controls.delete(approval.id);
    });
  }

  /**
   * This replica is stopping: every run in flight here is marked interrupted at once (locks kept)
   * and stopped before its next AWS call. Returns the requests the store recorded as interrupted.
   */
  async handBack(reason: string): Promise<Approval[]> {
    const handed = await Promise.all([...this.controls.values()].map((control) => control.handBack(reason)));
    return handed.filter((approval): approval is Approval => approval !== null);
  }

  /** Resolves when no run started here is in flight. */
  async whenIdle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }
}
