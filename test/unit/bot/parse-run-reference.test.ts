import { describe, expect, it } from 'vitest';
import { parseCommand, type ParseContext, type ParseOutcome } from '../../../src/bot/parse-command.js';

const context: ParseContext = { command: '/dr', failoverRunbooks: ['orders'], restoreRunbooks: ['orders'], nowMs: 0 };
const parse = (text: string): ParseOutcome => parseCommand(text, context);

describe('/dr resume and /dr revert-dns: a run named by its approval id', () => {
  it.each([
    ['resume APR-3', { kind: 'resume', approvalId: 'APR-3', dryRun: false }],
    ['resume apr-12 --dry-run', { kind: 'resume', approvalId: 'APR-12', dryRun: true }],
    ['revert-dns APR-3', { kind: 'revert-dns', approvalId: 'APR-3', dryRun: false }],
    ['REVERT-DNS --dry-run APR-40', { kind: 'revert-dns', approvalId: 'APR-40', dryRun: true }],
  ])('%j parses', (text, request) => {
    const outcome = parse(text);
    expect(outcome).toEqual({ ok: true, subcommand: request.kind, command: { kind: 'action', request } });
  });

  it.each([
    ['resume', 'Which run? Give its approval id, e.g. `/dr resume APR-12`.', 'Usage: `/dr resume <APR-n> [--dry-run]`'],
    ['revert-dns INC-3', '`INC-3` is not an approval id; approval ids look like APR-12.', 'Usage: `/dr revert-dns <APR-n> [--dry-run]`'],
    ['resume APR-0', '`APR-0` is not an approval id; approval ids look like APR-12.', 'Usage: `/dr resume <APR-n> [--dry-run]`'],
    ['resume APR-3 APR-4', 'Unexpected `APR-4`: resume takes one approval id.', 'Usage: `/dr resume <APR-n> [--dry-run]`'],
    ['revert-dns APR-3 --force', 'Unknown option `--force` for revert-dns: use --dry-run.', 'Usage: `/dr revert-dns <APR-n> [--dry-run]`'],
  ])('%j is refused: %s', (text, error, usage) => {
    const outcome = parse(text);
    if (outcome.ok) throw new Error(`expected an error for ${text}`);
    expect(outcome.error).toBe(error);
    expect(outcome.usage).toBe(usage);
  });
});
