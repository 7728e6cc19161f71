import type { ApprovalEngine } from '../../approvals/approval-engine.js';
import type { Permissions } from '../permissions.js';

/**
 * Keeps the approval engine's approver list in step with the bot's Permissions, which expand
 * usergroups (S…) through Slack. The engine only knows user ids; before any engine call for a
 * user, `check` asks Permissions (cached, fail closed) and adds or removes that user, so the
 * engine decides exactly as Permissions would, per user, even after someone leaves a group.
 */
export class ApproverSync {
  private readonly direct: string[];
  /** Usergroup members Permissions vouched for at their last click. */
  private readonly members = new Set<string>();

  constructor(
    private readonly options: {
      /** `slack.approvers` as configured: user ids and usergroup ids. */
      approvers: readonly string[];
      permissions: Pick<Permissions, 'isApprover'>;
      approvals: Pick<ApprovalEngine, 'setApprovers'>;
    },
  ) {
    this.direct = options.approvers.filter((principal) => !principal.startsWith('S'));
  }

  /** True when `userId` may approve now; the engine's list is updated to match before returning. */
  async check(userId: string): Promise<boolean> {
    const allowed = await this.options.permissions.isApprover(userId);
    const viaGroup = allowed && !this.direct.includes(userId);
    const changed = viaGroup ? !this.members.has(userId) : this.members.has(userId);
    if (viaGroup) this.members.add(userId);
    else this.members.delete(userId);
    if (changed) this.options.approvals.setApprovers([...this.direct, ...this.members]);
    return allowed;
  }
}
