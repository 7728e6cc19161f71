import { describe, expect, it } from 'vitest';
import { Permissions, USERGROUP_CACHE_TTL_MS, USERGROUP_STALE_LIMIT_MS } from '../../../src/bot/permissions.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { ManualClock } from '../../doubles/manual-clock.js';

function setup(groups: Record<string, string[] | Error>) {
  const clock = new ManualClock();
  const asked: string[] = [];
  const gateway = {
    usergroupMembers: async (id: string) => {
      asked.push(id);
      const members = groups[id];
      if (members instanceof Error || members === undefined) throw members ?? new Error('no such group');
      return members;
    },
  };
  const permissions = new Permissions({ operators: ['U0AAA', 'S0OPS'], approvers: ['U0BBB'], gateway, clock, logger: silentLogger() });
  return { clock, asked, permissions, groups };
}

describe('Permissions', () => {
  it('listed users act without asking Slack; usergroup members are looked up', async () => {
    const { permissions, asked } = setup({ S0OPS: ['U0OPS'] });
    expect(await permissions.isOperator('U0AAA')).toBe(true);
    expect(asked).toEqual([]);
    expect(await permissions.isOperator('U0OPS')).toBe(true);
    expect(await permissions.isOperator('U0ZZZ')).toBe(false);
    expect(await permissions.isApprover('U0AAA')).toBe(false);
    expect(await permissions.isApprover('U0BBB')).toBe(true);
    expect(asked).toEqual(['S0OPS']);
  });

  it('asks again after the cache ttl, so a removed member loses access', async () => {
    const { permissions, asked, clock, groups } = setup({ S0OPS: ['U0OPS'] });
    expect(await permissions.isOperator('U0OPS')).toBe(true);
    groups.S0OPS = [];
    clock.advance(USERGROUP_CACHE_TTL_MS - 1);
    expect(await permissions.isOperator('U0OPS')).toBe(true);
    clock.advance(1);
    expect(await permissions.isOperator('U0OPS')).toBe(false);
    expect(asked).toEqual(['S0OPS', 'S0OPS']);
  });

  it('concurrent checks share one lookup', async () => {
    const { permissions, asked } = setup({ S0OPS: ['U0OPS'] });
    await Promise.all(Array.from({ length: 10 }, () => permissions.isOperator('U0OPS')));
    expect(asked).toEqual(['S0OPS']);
  });

  it('fails closed when the group cannot be read, using a recent copy if it has one', async () => {
    const { permissions, clock, groups } = setup({ S0OPS: new Error('missing_scope') });
    expect(await permissions.isOperator('U0OPS')).toBe(false);

    groups.S0OPS = ['U0OPS'];
    clock.advance(USERGROUP_CACHE_TTL_MS); // the failure was not cached: ask again
    expect(await permissions.isOperator('U0OPS')).toBe(true);
    groups.S0OPS = new Error('ratelimited');
    clock.advance(USERGROUP_CACHE_TTL_MS);
    expect(await permissions.isOperator('U0OPS')).toBe(true); // stale copy, 1 min old
    clock.advance(USERGROUP_STALE_LIMIT_MS);
    expect(await permissions.isOperator('U0OPS')).toBe(false); // too old to trust
  });

  it('expands operators for invites, without duplicates', async () => {
    const { permissions } = setup({ S0OPS: ['U0OPS', 'U0AAA'] });
    expect((await permissions.operatorUserIds()).sort()).toEqual(['U0AAA', 'U0OPS']);
  });
});
