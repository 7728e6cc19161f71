import { describe, expect, it } from 'vitest';
import { MAX_COMMAND_TEXT_LENGTH, normalizeCommandText } from '../../../src/bot/command-text.js';
import { parseCommand, type ParseContext, type ParseOutcome } from '../../../src/bot/parse-command.js';
import { hostileCommandTexts } from './hostile-texts.js';

const NOW = Date.parse('2026-11-21T12:00:00Z');
const context: ParseContext = { command: '/dr', failoverRunbooks: ['orders', 'billing'], restoreRunbooks: ['orders'], nowMs: NOW };
const parse = (text: string): ParseOutcome => parseCommand(text, context);

function expectError(text: string, error: string | RegExp, usage: string): void {
  const outcome = parse(text);
  if (outcome.ok) throw new Error(`expected an error for ${JSON.stringify(text)}, got ${JSON.stringify(outcome.command)}`);
  if (typeof error === 'string') expect(outcome.error).toBe(error);
  else expect(outcome.error).toMatch(error);
  expect(outcome.usage).toBe(usage);
}

describe('parseCommand: the /dr grammar', () => {
  it.each([
    ['', { kind: 'help' }],
    ['help', { kind: 'help' }],
    ['HELP', { kind: 'help' }],
    ['status', { kind: 'status' }],
    ['  incidents  ', { kind: 'incidents' }],
    ['approvals', { kind: 'approvals' }],
    ['readiness', { kind: 'readiness' }],
    ['ack INC-42', { kind: 'ack', incidentId: 'INC-42' }],
    ['acknowledge inc-7', { kind: 'ack', incidentId: 'INC-7' }],
    ['ack 7', { kind: 'ack', incidentId: 'INC-7' }],
    ['page INC42', { kind: 'page', incidentId: 'INC-42' }],
    ['resolve INC-3', { kind: 'resolve', incidentId: 'INC-3' }],
    ['resolve INC-3 failed over to us-west-2', { kind: 'resolve', incidentId: 'INC-3', note: 'failed over to us-west-2' }],
    ['resolve INC-3 "quoted note"', { kind: 'resolve', incidentId: 'INC-3', note: 'quoted note' }],
    ['resolve INC-3 thanks <@U123|bob> &amp; <!channel>', { kind: 'resolve', incidentId: 'INC-3', note: 'thanks @bob & @channel' }],
  ])('%j parses', (text, command) => {
    expect(parse(text)).toEqual({ ok: true, subcommand: command.kind, command });
  });

  it.each([
    ['failover orders', { kind: 'failover', runbook: 'orders', dryRun: false, allowDataLoss: false }],
    ['failover orders --dry-run', { kind: 'failover', runbook: 'orders', dryRun: true, allowDataLoss: false }],
    ['failover --allow-data-loss billing --dry-run', { kind: 'failover', runbook: 'billing', dryRun: true, allowDataLoss: true }],
    ['failover orders \u2014dry-run', { kind: 'failover', runbook: 'orders', dryRun: true, allowDataLoss: false }],
    ['restore orders --latest', { kind: 'restore', runbook: 'orders', dryRun: false, source: { type: 'latest' } }],
    [
      'restore orders --snapshot rds:orders-db-2026-11-21-00-05 --dry-run',
      { kind: 'restore', runbook: 'orders', dryRun: true, source: { type: 'snapshot', snapshotId: 'rds:orders-db-2026-11-21-00-05' } },
    ],
    [
      'restore orders --snapshot=arn:aws:rds:us-east-1:123456789012:snapshot:orders-final',
      {
        kind: 'restore',
        runbook: 'orders',
        dryRun: false,
        source: { type: 'snapshot', snapshotId: 'arn:aws:rds:us-east-1:123456789012:snapshot:orders-final' },
      },
    ],
    [
      'restore orders --time 2026-11-21T13:30+02:00',
      { kind: 'restore', runbook: 'orders', dryRun: false, source: { type: 'time', time: '2026-11-21T11:30:00.000Z' } },
    ],
    [
      'statuspage INC-4 investigating We are looking into elevated errors',
      { kind: 'statuspage', incidentId: 'INC-4', status: 'investigating', message: 'We are looking into elevated errors' },
    ],
    [
      'statuspage 4 Monitoring "A fix is out &lt;eu-west&gt;"',
      { kind: 'statuspage', incidentId: 'INC-4', status: 'monitoring', message: 'A fix is out <eu-west>' },
    ],
  ])('%j builds the typed action request', (text, request) => {
    const outcome = parse(text);
    expect(outcome).toEqual({ ok: true, subcommand: request.kind, command: { kind: 'action', request } });
  });

  describe('each malformed variant gets its own message and the usage line', () => {
    const usage = {
      ack: 'Usage: `/dr ack <incident>`',
      resolve: 'Usage: `/dr resolve <incident> [note]`',
      failover: 'Usage: `/dr failover <runbook> [--dry-run] [--allow-data-loss]`',
      restore: 'Usage: `/dr restore <runbook> (--snapshot <id> | --time <ISO-8601> | --latest) [--dry-run]`',
      statuspage: 'Usage: `/dr statuspage <incident> <investigating|identified|monitoring|resolved> <message>`',
      general:
        'Usage: `/dr <help|status|incidents|declare|ack|resolve|page|timeline|failover|restore|resume|revert-dns|statuspage|approvals|readiness|drill|drills|silence|silences|unsilence|audit> …` (`/dr help` explains each)',
    };
    it.each([
      ['falover orders', 'Unknown command `falover`. Did you mean `/dr failover`?', usage.general],
      ['frobnicate', 'Unknown command `frobnicate`.', usage.general],
      ['constructor', 'Unknown command `constructor`.', usage.general],
      ['__proto__ INC-1', 'Unknown command `__proto__`.', usage.general],
      ['status now', '`/dr status` takes no arguments; remove `now`.', 'Usage: `/dr status`'],
      ['readiness orders', '`/dr readiness` takes no arguments; remove `orders`.', 'Usage: `/dr readiness`'],
      ['ack', 'Which incident? Give its id, e.g. `/dr ack INC-42`.', usage.ack],
      ['ack INC-x', '`INC-x` is not an incident id; incident ids look like INC-42.', usage.ack],
      ['ack INC-0', '`INC-0` is not an incident id; incident ids look like INC-42.', usage.ack],
      ['ack INC-4 INC-5', 'Unexpected `INC-5` after the incident id.', usage.ack],
      ['failover', 'Name the failover runbook to run, e.g. `/dr failover orders`.', usage.failover],
      [
        'failover ordrs',
        'No failover runbook named `ordrs`. Did you mean `orders`? Known failover runbooks: `orders`, `billing`.',
        usage.failover,
      ],
      ['failover payments', 'No failover runbook named `payments`. Known failover runbooks: `orders`, `billing`.', usage.failover],
      ['failover orders billing', 'Unexpected `billing`: failover takes one runbook name.', usage.failover],
      ['failover orders --force', 'Unknown option `--force` for failover: use --dry-run, --allow-data-loss.', usage.failover],
      ['failover orders --dry-run=yes', '`--dry-run` takes no value; remove `=yes`.', usage.failover],
      ['restore orders', 'Say what to restore from: `--snapshot <id>`, `--time <ISO-8601>` or `--latest`.', usage.restore],
      ['restore orders --snapshot', '`--snapshot` needs a snapshot id, e.g. `--snapshot rds:orders-db-2026-11-21-00-05`.', usage.restore],
      [
        'restore orders --snapshot --dry-run',
        '`--snapshot` needs a snapshot id, e.g. `--snapshot rds:orders-db-2026-11-21-00-05`.',
        usage.restore,
      ],
      [
        'restore orders --snapshot x;rm',
        '`x;rm` is not an RDS snapshot id (a letter, then letters, digits and hyphens; `rds:` prefix or ARN allowed).',
        usage.restore,
      ],
      ['restore orders --time', '`--time` needs an ISO-8601 time with a zone, e.g. `--time 2026-11-21T11:30:00Z`.', usage.restore],
      [
        'restore orders --time yesterday',
        '`yesterday` is not an ISO-8601 time with a zone; write it like `2026-11-21T11:30:00Z`.',
        usage.restore,
      ],
      [
        'restore orders --time 2026-11-21T11:30:00',
        '`2026-11-21T11:30:00` is not an ISO-8601 time with a zone; write it like `2026-11-21T11:30:00Z`.',
        usage.restore,
      ],
      [
        'restore orders --time 2026-02-30T10:00:00Z',
        '`2026-02-30T10:00:00Z` is not a real date and time; write it like `2026-11-21T11:30:00Z`.',
        usage.restore,
      ],
      [
        'restore orders --time 2027-01-01T00:00:00Z',
        '`2027-01-01T00:00:00Z` is in the future; a restore point must be in the past.',
        usage.restore,
      ],
      ['restore orders --latest --snapshot s1', 'Choose one source, not `--snapshot` and `--latest`.', usage.restore],
      ['restore billing --latest', 'No restore runbook named `billing`. Known restore runbooks: `orders`.', usage.restore],
      ['statuspage', 'Which incident? Give its id, e.g. `/dr statuspage INC-42`.', usage.statuspage],
      ['statuspage INC-4', 'Give the status to publish: one of investigating, identified, monitoring, resolved.', usage.statuspage],
      [
        'statuspage INC-4 fixed all good',
        'Unknown status `fixed`: use one of investigating, identified, monitoring, resolved.',
        usage.statuspage,
      ],
      [
        'statuspage INC-4 resovled all good',
        'Unknown status `resovled`: use one of investigating, identified, monitoring, resolved. Did you mean `resolved`?',
        usage.statuspage,
      ],
      ['statuspage INC-4 identified', 'The status page message is empty: write what customers should read.', usage.statuspage],
      ['statuspage INC-4 identified ""', 'The status page message is empty: write what customers should read.', usage.statuspage],
      [`resolve INC-4 ${'x'.repeat(1001)}`, 'The note is 1001 characters long; keep it to 1000.', usage.resolve],
      ['ack\u0000 INC-4', 'That command contains invisible control characters; retype it without them.', usage.general],
      [
        'x'.repeat(MAX_COMMAND_TEXT_LENGTH + 1),
        `That command is ${MAX_COMMAND_TEXT_LENGTH + 1} characters long; the longest accepted is ${MAX_COMMAND_TEXT_LENGTH}.`,
        usage.general,
      ],
      // A date and a time with a space between: the time is not a second runbook name.
      [
        'restore orders --time 2024-01-01 00:00:00Z',
        '`--time` takes one ISO-8601 word, date and time joined by `T` with no space and a zone: e.g. `--time 2024-01-01T00:00:00Z`.',
        usage.restore,
      ],
      [
        'restore --time=2024-01-01 13:30+02:00 orders --dry-run',
        '`--time` takes one ISO-8601 word, date and time joined by `T` with no space and a zone: e.g. `--time 2024-01-01T13:30+02:00`.',
        usage.restore,
      ],
      [
        'restore orders --time "2024-01-01 00:00"',
        '`--time` takes one ISO-8601 word, date and time joined by `T` with no space and a zone: e.g. `--time 2024-01-01T00:00:00Z`.',
        usage.restore,
      ],
    ])('%j', (text, error, expectedUsage) => {
      expectError(text, error, expectedUsage);
    });
  });

  it('counts characters, not UTF-16 units: 2,000 emoji (4,000 units) pass the command length check', () => {
    const emoji = '\u{1F6A8}'.repeat(2_000);
    expect(emoji.length).toBe(4_000);
    expect(normalizeCommandText(`statuspage INC-4 identified ${emoji}`)).toEqual({
      ok: true,
      text: `statuspage INC-4 identified ${emoji}`,
    });
    expect(normalizeCommandText('\u{1F6A8}'.repeat(MAX_COMMAND_TEXT_LENGTH)).ok).toBe(true);
    expect(normalizeCommandText('\u{1F6A8}'.repeat(MAX_COMMAND_TEXT_LENGTH + 1))).toEqual({
      ok: false,
      error: `That command is ${MAX_COMMAND_TEXT_LENGTH + 1} characters long; the longest accepted is ${MAX_COMMAND_TEXT_LENGTH}.`,
    });
  });

  it('a statuspage message of 1,000 emoji is one of 1,000 characters', () => {
    const message = '\u{1F6A8}'.repeat(1_000);
    expect(parse(`statuspage INC-4 identified ${message}`)).toMatchObject({
      ok: true,
      command: { kind: 'action', request: { kind: 'statuspage', message } },
    });
  });

  it('with no runbooks configured, says so rather than listing none', () => {
    const outcome = parseCommand('failover orders', { ...context, failoverRunbooks: [] });
    expect(outcome).toMatchObject({ ok: false, error: 'No failover runbooks are configured (runbooks.failover in the config file).' });
  });

  it('echoes user input escaped and shortened, never as live Slack markup', () => {
    const outcome = parse(`<!channel>${'a'.repeat(100)}`);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error).toBe(`Unknown command \`&lt;!channel&gt;${'a'.repeat(30)}…\`.`);
  });

  it('uses the configured command name in usage lines', () => {
    const outcome = parseCommand('ack', { ...context, command: '/lifeboat' });
    expect(outcome).toMatchObject({ ok: false, usage: 'Usage: `/lifeboat ack <incident>`' });
  });

  it('answers 10,000 random and hostile texts with a command or a clear error, never a throw', () => {
    const texts = hostileCommandTexts(10_000, 42);
    expect(texts).toHaveLength(10_000);
    let errors = 0;
    for (const text of texts) {
      const outcome = parse(text);
      if (outcome.ok) continue;
      errors += 1;
      expect(outcome.error.length).toBeGreaterThan(10);
      expect(outcome.error.length).toBeLessThan(400);
      expect(outcome.usage).toMatch(/^Usage: `\/dr /);
      // Nothing typed comes back as live markup: every < in the error is escaped.
      expect(outcome.error).not.toMatch(/<[@#!]/);
    }
    // The generator is mostly garbage; most texts must be refused, not silently accepted.
    expect(errors).toBeGreaterThan(9_000);
  });
});

describe('parseCommand: /dr drill and /dr drills', () => {
  const context = { command: '/dr', failoverRunbooks: [], restoreRunbooks: ['orders'], nowMs: 0, drills: ['orders-restore'] };

  it('reads a configured drill name, and drills without arguments', () => {
    expect(parseCommand('drill orders-restore', context)).toEqual({
      ok: true,
      subcommand: 'drill',
      command: { kind: 'drill', drill: 'orders-restore' },
    });
    expect(parseCommand('drills', context)).toEqual({ ok: true, subcommand: 'drills', command: { kind: 'drills' } });
  });

  it('names what is wrong: no name, an unknown one (with a suggestion), extra words', () => {
    expect(parseCommand('drill', context)).toMatchObject({
      ok: false,
      error: 'Name the drill to run (drills: orders-restore).',
      usage: 'Usage: `/dr drill <drill> [--dry-run]`',
    });
    expect(parseCommand('drill orders-restor', context)).toMatchObject({
      ok: false,
      error: 'There is no drill `orders-restor` (did you mean `orders-restore`?); drills: orders-restore.',
    });
    expect(parseCommand('drill orders-restore now', context)).toMatchObject({
      ok: false,
      error: '`/dr drill` takes one drill name (and --dry-run); remove `now`.',
    });
    expect(parseCommand('drill orders-restore --dry-run', context)).toEqual({
      ok: true,
      subcommand: 'drill',
      command: { kind: 'drill', drill: 'orders-restore', dryRun: true },
    });
    expect(parseCommand('drills all', context)).toMatchObject({ ok: false, subcommand: 'drills' });
  });
});
