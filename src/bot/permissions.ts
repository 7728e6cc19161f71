import type { Clock } from '../core/clock.js';
import type { Logger } from '../observability/logger.js';
import type { SlackGateway } from './slack-gateway.js';

/** How long a usergroup's member list is trusted before it is asked again. */
export const USERGROUP_CACHE_TTL_MS = 60_000; // 1 minute
/** After a failed refresh, a cached list this old is still used rather than locking everyone out. */
export const USERGROUP_STALE_LIMIT_MS = 10 * 60_000; // 10 minutes

interface CachedGroup {
  members: ReadonlySet<string>;
  /** Epoch ms. */
  fetchedAt: number;
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
 * copy exists.
 */
export class Permissions {
  private readonly cache = new Map<string, CachedGroup>();
  private readonly inFlight = new Map<string, Promise<ReadonlySet<string>>>();
  private readonly ttlMs: number;

  constructor(private readonly options: PermissionsOptions) {
    this.ttlMs = options.ttlMs ?? USERGROUP_CACHE_TTL_MS;
  }

  isOperator(userId: string): Promise<boolean> {
    return this.isIn(this.options.operators, userId);
  }

  isApprover(userId: string): Promise<boolean> {
    return this.isIn(this.options.approvers, userId);
  }

  /** Every operator as a user id, usergroups expanded (for incident channel invites). */
  async operatorUserIds(): Promise<string[]> {
    const users = new Set<string>();
    for (const principal of this.options.operators) {
      if (!isUsergroup(principal)) {
        users.add(principal);
        continue;
      }
      for (const member of await this.members(principal)) users.add(member);
    }
    return [...users];
  }

  private async isIn(principals: readonly string[], userId: string): Promise<boolean> {
    if (principals.includes(userId)) return true;
    for (const principal of principals) {
      if (isUsergroup(principal) && (await this.members(principal)).has(userId)) return true;
    }
    return false;
  }

  private async members(groupId: string): Promise<ReadonlySet<string>> {
    const now = this.options.clock.now();
    const cached = this.cache.get(groupId);
    if (cached && now - cached.fetchedAt < this.ttlMs) return cached.members;
    // Concurrent checks for one group share one API call.
    const pending = this.inFlight.get(groupId);
    if (pending) return pending;
    const fetching = this.fetch(groupId, cached).finally(() => this.inFlight.delete(groupId));
    this.inFlight.set(groupId, fetching);
    return fetching;
  }

  private async fetch(groupId: string, cached: CachedGroup | undefined): Promise<ReadonlySet<string>> {
    try {
      const members = new Set(await this.options.gateway.usergroupMembers(groupId));
      this.cache.set(groupId, { members, fetchedAt: this.options.clock.now() });
      return members;
    } catch (err) {
      const age = cached ? this.options.clock.now() - cached.fetchedAt : Infinity;
      const useStale = cached !== undefined && age < USERGROUP_STALE_LIMIT_MS;
      this.options.logger.error(
        { err, usergroup: groupId, usingCachedCopy: useStale },
        `cannot read Slack usergroup ${groupId}; ${useStale ? 'using the copy from the last minutes' : 'its members get no permissions until it can be read'}. ` +
          'Check the usergroups:read scope and that the group exists',
      );
      return useStale && cached ? cached.members : new Set();
    }
  }
}

function isUsergroup(principal: string): boolean {
  return principal.startsWith('S');
}
