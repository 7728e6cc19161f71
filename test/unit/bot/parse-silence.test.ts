import { describe, expect, it } from 'vitest';
import { parseCommand, type ParseContext } from '../../../src/bot/parse-command.js';
import { isReadOnlyCommand } from '../../../src/bot/read-only-command.js';

const context: ParseContext = { command: '/dr', failoverRunbooks: [], restoreRunbooks: [], nowMs: 0, checkIds: ['api', 'orders-lag'] };

describe('/dr silence, silences, unsilence', () => {
  it('parses a silence with its duration and the rest as the reason', () => {
    expect(parseCommand('silence api 2h DB upgrade, see CHG-42', context)).toEqual({
      ok: true,
      subcommand: 'silence',
      command: { kind: 'silence', checkId: 'api', durationMs: 2 * 3_600_000, reason: 'DB upgrade, see CHG-42' },
    });
    expect(parseCommand('silence api 7d "planned move"', context)).toMatchObject({
      ok: true,
      command: { durationMs: 7 * 86_400_000, reason: 'planned move' },
    });
    expect(parseCommand('unsilence orders-lag', context)).toEqual({
      ok: true,
      subcommand: 'unsilence',
      command: { kind: 'unsilence', checkId: 'orders-lag' },
    });
    expect(parseCommand('silences', context)).toEqual({ ok: true, subcommand: 'silences', command: { kind: 'silences' } });
  });

  it.each([
    ['silence', 'Which check? Give its id, e.g. `/dr silence api 2h DB upgrade`.'],
    ['silence apj 2h x', 'No check named `apj`. Did you mean `api`?'],
    ['silence api', 'For how long? Give a duration such as `30m`, `2h` or `1d` (at most 7d).'],
    ['silence api 8d too long', '`8d` is longer than 7 days (8d); a silence lasts at most 7d.'],
    ['silence api 2 hours', '`2` has no unit (use 500ms, 15s, 5m, 26h).'],
    ['silence api 2h', 'Say why, after the duration: the reason is shown on the incident and in the audit log.'],
    [`silence api 2h ${'r'.repeat(501)}`, 'The reason is 501 characters long; keep it to 500.'],
    ['unsilence api now', 'Unexpected `now` after the check id.'],
    ['silences api', '`/dr silences` takes no arguments; remove `api`.'],
  ])('%s -> a clear error and the usage line', (text, error) => {
    const outcome = parseCommand(text, context);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error).toBe(error);
    expect(outcome.usage).toMatch(/^Usage: `\/dr (un)?silences?/);
  });

  it('lets anyone list silences, and only operators set or end them', () => {
    const body = (text: string) => ({ command: '/dr', text });
    expect(isReadOnlyCommand(body('silences'))).toBe(true);
    expect(isReadOnlyCommand(body('silence api 2h x'))).toBe(false);
    expect(isReadOnlyCommand(body('unsilence api'))).toBe(false);
  });
});
