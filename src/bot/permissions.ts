import type { Clock } from '../core/clock.js';
import type { Logger } from '../observability/logger.js';
import type { SlackGateway } from './slack-gateway.js';

/** How long a usergroup's member list is trusted before it is asked again. */
export const USERGROUP_CACHE_TTL_MS = 60_000; // 1 minute
/** After a failed refresh, a cached list this old is still used rather than locking everyone out. */
export const USERGROUP_STALE_LIMIT_MS = 10 * 60_000; // 10 minutes
/**
 * A failed lookup is remembered this long, so a Slack outage or rate limit does not make every
 * request from a non-operator ask Slack again (with retries that wait out Retry-After).
 */
export const USERGROUP_FAILURE_CACHE_MS = 10_000; // 10 seconds
/**
 * Longest a permission check made before an ack may wait for Slack: the receiver answers empty at
 * 2.5 s (ACK_DEADLINE_MS), and an empty answer to a modal closes it with the refusal lost.
 */
export const PRE_ACK_PERMISSION_TIMEOUT_MS = 1_500; // 1.5 seconds

/**
 * `permitted`: listed, or in a group as Slack (or a fresh copy) says. `refused`: known not to be.
 * `unconfirmed`: a usergroup that could name them could not be read in time: treated as refused
 * (fail closed), but the person is told Slack could not confirm their permission.
 */
export type PermissionVerdict = 'permitted' | 'refused' | 'unconfirmed';

interface CachedGroup {
  members: ReadonlySet<string>;
  /** Epoch ms. */
  fetchedAt: number;
}

/** A group's members as far as they are known, and whether Slack (or a usable copy) vouched for them. */
interface Membership {
  members: ReadonlySet<string>;
  confirmed: boolean;
}

export interface PermissionsOptions {
  /** `slack.operators`: user ids (U…, W…) and usergroup ids (S…). */
  operators: readonly string[];
  /** `slack.approvers`, same forms. */
  approvers: readonly string[];
  gateway: Pick<SlackGateway, 'usergroupMembers'>;
  clock: Clock;
  logger: Logger;
  ttlMs?: number;
}

/**
 * Who may act (operators) and approve (approvers). Usergroup ids are expanded through
 * usergroups.users.list and cached briefly, so a person removed from the group loses access
 * within a minute. A group that cannot be read grants nothing (fail closed), unless a recent
 * copy exists; a failed read is remembered for 10 s so an outage costs one Slack call per group.
 */
export class Permissions {
  private readonly cache = new Map<string, CachedGroup>();
  /** Epoch ms of a group's last failed lookup. */
  private readonly failedAt = new Map<string, number>();
  private readonly inFlight = new Map<string, Promise<Membership>>();
  private readonly ttlMs: number;

  constructor(private readonly options: PermissionsOptions) {
    this.ttlMs = options.ttlMs ?? USERGROUP_CACHE_TTL_MS;
  }

  async isOperator(userId: string): Promise<boolean> {
    return (await this.operatorVerdict(userId)) === 'permitted';
  }

  async isApprover(userId: string): Promise<boolean> {
    return (await this.verdict(this.options.approvers, userId)) === 'permitted';
  }

  /**
   * Whether `userId` may act, waiting at most `timeoutMs` for Slack (use PRE_ACK_PERMISSION_TIMEOUT_MS
   * before an ack). A lookup cut off by the timeout keeps running and fills the cache for next time.
   */
  operatorVerdict(userId: string, timeoutMs?: number): Promise<PermissionVerdict> {
    const verdict = this.verdict(this.options.operators, userId);
    if (timeoutMs === undefined) return verdict;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<PermissionVerdict>((resolve) => {
      timer = setTimeout(() => {
        this.options.logger.warn({ userId, timeoutMs }, 'Slack did not confirm an operator in time; refused this request (fail closed)');
        resolve('unconfirmed');
      }, timeoutMs);
    });
    return Promise.race([verdict, timeout]).finally(() => clearTimeout(timer));
  }

  /** Every operator as a user id, usergroups expanded (for incident channel invites). */
  async operatorUserIds(): Promise<string[]> {
    const users = new Set<string>();
    for (const principal of this.options.operators) {
      if (!isUsergroup(principal)) {
        users.add(principal);
        continue;
      }
      for (const member of (await this.members(principal)).members) users.add(member);
    }
    return [...users];
  }

  private async verdict(principals: readonly string[], userId: string): Promise<PermissionVerdict> {
    if (principals.includes(userId)) return 'permitted';
    let unconfirmed = false;
    for (const principal of principals) {
      if (!isUsergroup(principal)) continue;
      const membership = await this.members(principal);
      if (membership.members.has(userId)) return 'permitted';
      if (!membership.confirmed) unconfirmed = true;
    }
    return unconfirmed ? 'unconfirmed' : 'refused';
  }

  private async members(groupId: string): Promise<Membership> {
    const now = this.options.clock.now();
    const cached = this.cache.get(groupId);
    if (cached && now - cached.fetchedAt < this.ttlMs) return { members: cached.members, confirmed: true };
    const failedAt = this.failedAt.get(groupId);
    if (failedAt !== undefined && now - failedAt < USERGROUP_FAILURE_CACHE_MS) return this.fallback(groupId, cached);
    // Concurrent checks for one group share one API call.
    const pending = this.inFlight.get(groupId);
    if (pending) return pending;
    const fetching = this.fetch(groupId, cached).finally(() => this.inFlight.delete(groupId));
    this.inFlight.set(groupId, fetching);
    return fetching;
  }

  private async fetch(groupId: string, cached: CachedGroup | undefined): Promise<Membership> {
    try {
      const members = new Set(await this.options.gateway.usergroupMembers(groupId));
      this.cache.set(groupId, { members, fetchedAt: this.options.clock.now() });
      this.failedAt.delete(groupId);
      return { members, confirmed: true };
    } catch (err) {
      this.failedAt.set(groupId, this.options.clock.now());
      const usable = this.usableCopy(cached);
      this.options.logger.error(
        { err, usergroup: groupId, usingCachedCopy: usable !== null },
        `cannot read Slack usergroup ${groupId}; ${usable ? 'using the copy from the last minutes' : 'its members get no permissions until it can be read'}. ` +
          'Check the usergroups:read scope and that the group exists',
      );
      return this.fallback(groupId, cached);
    }
  }

  /**
   * While Slack cannot be read: the last copy if it is under USERGROUP_STALE_LIMIT_MS old, else
   * nobody. Deliberately, a person removed from the group keeps access for up to those 10 minutes
   * during a Slack outage (rather than locking every operator out mid-incident); each such use is
   * logged at warn so it is visible.
   */
  private fallback(groupId: string, cached: CachedGroup | undefined): Membership {
    const usable = this.usableCopy(cached);
    if (!usable) return { members: new Set(), confirmed: false };
    const ageMs = this.options.clock.now() - usable.fetchedAt;
    this.options.logger.warn(
      { usergroup: groupId, ageMs, ttlMs: this.ttlMs },
      `using Slack usergroup ${groupId} membership ${Math.round(ageMs / 1000)} s old, past its ${Math.round(this.ttlMs / 1000)} s TTL, because Slack could not be read; ` +
        'people removed from the group meanwhile still have access until it can be read (at most 10 minutes)',
    );
    return { members: usable.members, confirmed: true };
  }

  private usableCopy(cached: CachedGroup | undefined): CachedGroup | null {
    if (!cached) return null;
    return this.options.clock.now() - cached.fetchedAt < USERGROUP_STALE_LIMIT_MS ? cached : null;
  }
}

function isUsergroup(principal: string): boolean {
  return principal.startsWith('S');
}
