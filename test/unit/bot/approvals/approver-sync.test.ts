import { describe, expect, it } from 'vitest';
import { ApproverSync } from '../../../../src/bot/approvals/approver-sync.js';

/** Permissions as the bot answers them: direct ids, plus members of usergroup S0SRE that the test changes. */
function setup(groupMembers: Set<string>) {
  const lists: string[][] = [];
  const sync = new ApproverSync({
    approvers: ['U0BBB', 'S0SRE'],
    permissions: { isApprover: async (userId) => userId === 'U0BBB' || groupMembers.has(userId) },
    approvals: { setApprovers: (approvers) => lists.push([...approvers]) },
  });
  return { sync, lists };
}

describe('ApproverSync', () => {
  it('adds a usergroup member to the engine’s approvers at their first click, once', async () => {
    const { sync, lists } = setup(new Set(['U0SRE1']));
    expect(await sync.check('U0SRE1')).toBe(true);
    expect(await sync.check('U0SRE1')).toBe(true);
    expect(lists).toEqual([['U0BBB', 'U0SRE1']]);
  });

  it('removes someone who left the group before their next click reaches the engine', async () => {
    const members = new Set(['U0SRE1', 'U0SRE2']);
    const { sync, lists } = setup(members);
    await sync.check('U0SRE1');
    await sync.check('U0SRE2');
    members.delete('U0SRE1');
    expect(await sync.check('U0SRE1')).toBe(false);
    expect(lists.at(-1)).toEqual(['U0BBB', 'U0SRE2']);
  });

  it('leaves the list alone for direct approvers and for people who never were approvers', async () => {
    const { sync, lists } = setup(new Set());
    expect(await sync.check('U0BBB')).toBe(true);
    expect(await sync.check('U0ZZZ')).toBe(false);
    expect(lists).toEqual([]);
  });
});
