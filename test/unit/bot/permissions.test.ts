import { describe, expect, it } from 'vitest';
import {
  Permissions,
  PRE_ACK_PERMISSION_TIMEOUT_MS,
  USERGROUP_CACHE_TTL_MS,
  USERGROUP_FAILURE_CACHE_MS,
  USERGROUP_STALE_LIMIT_MS,
} from '../../../src/bot/permissions.js';
import { createLogger } from '../../../src/observability/logger.js';
import { ManualClock } from '../../doubles/manual-clock.js';

type Group = string[] | Error | 'hang';

function setup(groups: Record<string, Group>) {
  const clock = new ManualClock();
  const asked: string[] = [];
  const logs: Array<{ level: number; msg: string; usergroup?: string; ageMs?: number }> = [];
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void logs.push(JSON.parse(line)) } });
  const gateway = {
    usergroupMembers: async (id: string) => {
      asked.push(id);
      const members = groups[id];
      // Slack waiting out a long Retry-After: the call does not settle within the test.
      if (members === 'hang') return new Promise<string[]>(() => undefined);
      if (members instanceof Error || members === undefined) throw members ?? new Error('no such group');
      return members;
    },
  };
  const permissions = new Permissions({ operators: ['U0AAA', 'S0OPS'], approvers: ['U0BBB'], gateway, clock, logger });
  return { clock, asked, permissions, groups, logs };
}

const WARN = 40;

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

  it('remembers a failed lookup for about 10 s: non-operators do not make Slack be asked again, and are refused', async () => {
    const { permissions, asked, clock, groups } = setup({ S0OPS: new Error('ratelimited') });
    expect(await permissions.isOperator('U0ZZZ')).toBe(false);
    expect(await permissions.isOperator('U0ZZZ')).toBe(false);
    expect(await permissions.isOperator('U0OPS')).toBe(false);
    expect(asked).toEqual(['S0OPS']);
    groups.S0OPS = ['U0OPS'];
    clock.advance(USERGROUP_FAILURE_CACHE_MS - 1);
    expect(await permissions.isOperator('U0OPS')).toBe(false);
    expect(asked).toEqual(['S0OPS']);
    clock.advance(1);
    expect(await permissions.isOperator('U0OPS')).toBe(true);
    expect(asked).toEqual(['S0OPS', 'S0OPS']);
  });

  it('a readable group that does not list the user refuses them; an unreadable one leaves them "unconfirmed"', async () => {
    expect(await setup({ S0OPS: new Error('ratelimited') }).permissions.operatorVerdict('U0ZZZ')).toBe('unconfirmed');
    const { permissions } = setup({ S0OPS: ['U0OPS'] });
    expect(await permissions.operatorVerdict('U0ZZZ')).toBe('refused');
    expect(await permissions.operatorVerdict('U0OPS')).toBe('permitted');
    expect(await permissions.operatorVerdict('U0AAA', PRE_ACK_PERMISSION_TIMEOUT_MS)).toBe('permitted');
  });

  it('a lookup that outlasts the bound is "unconfirmed" at the bound, not when Slack finally answers', async () => {
    const { permissions } = setup({ S0OPS: 'hang' });
    const started = Date.now();
    expect(await permissions.operatorVerdict('U0OPS', 50)).toBe('unconfirmed');
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('logs at warn each time a stale copy is used past its TTL because Slack failed', async () => {
    const { permissions, clock, groups, logs } = setup({ S0OPS: ['U0OPS'] });
    expect(await permissions.isOperator('U0OPS')).toBe(true);
    expect(logs.filter((l) => l.level === WARN)).toEqual([]);
    groups.S0OPS = new Error('ratelimited');
    clock.advance(USERGROUP_CACHE_TTL_MS + 5_000);
    expect(await permissions.isOperator('U0OPS')).toBe(true);
    clock.advance(1_000); // within the failure cache: no new lookup, still the stale copy
    expect(await permissions.isOperator('U0OPS')).toBe(true);
    const warnings = logs.filter((l) => l.level === WARN);
    expect(warnings.map((w) => [w.usergroup, w.ageMs])).toEqual([
      ['S0OPS', 65_000],
      ['S0OPS', 66_000],
    ]);
    expect(warnings[0]?.msg).toContain('past its 60 s TTL');
  });
});
