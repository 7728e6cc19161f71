import {
  STATUS_PAGE_STATES,
  type ActionRequest,
  type FailoverRequest,
  type RestoreRequest,
  type RestoreSource,
  type StatusPageState,
} from '../core/action-request.js';
import { closestMatch } from '../config/closest-match.js';
import { isApprovalId } from './approvals/approval-action-ids.js';
import { normalizeCommandText, splitWords, takeWords, unquote } from './command-text.js';
import { generalUsage, SUBCOMMANDS, usageLine, type Subcommand } from './command-usage.js';
import { parseIncidentId } from './parse-incident-id.js';
import { parseIsoTime } from './parse-iso-time.js';
import { parseCheckArgument, parseSilence } from './parse-silence.js';
import { parseDrill, type DrillCommand } from './parse-drill-command.js';
import { parseAudit, parseDeclare, parseTimeline, type RecordCommand } from './parse-record-commands.js';
import { quoteInput, slackTextToPlain } from './slack-text.js';

/** What the parser needs to know beyond the text: names to validate against, and now. */
export interface ParseContext {
  /** The slash command as configured (`/dr`), for usage lines. */
  command: string;
  failoverRunbooks: readonly string[];
  restoreRunbooks: readonly string[];
  /** Epoch ms; a restore time after it is refused. */
  nowMs: number;
  /** Configured check ids, for `silence` and `unsilence`. */
  checkIds?: readonly string[];
  /** Configured drill names, for `drill`. */
  drills?: readonly string[];
}

/** A command that parsed and validated. Actions carry the typed request for the approval layer. */
export type ParsedCommand =
  | { kind: 'help' }
  | { kind: 'status' }
  | { kind: 'incidents' }
  | { kind: 'approvals' }
  | { kind: 'readiness' }
  | { kind: 'ack'; incidentId: string }
  | { kind: 'page'; incidentId: string }
  | { kind: 'resolve'; incidentId: string; note?: string }
  | { kind: 'silences' }
  | { kind: 'silence'; checkId: string; durationMs: number; reason: string }
  | { kind: 'unsilence'; checkId: string }
  | { kind: 'action'; request: ActionRequest }
  | DrillCommand
  | RecordCommand;

export type ParseOutcome =
  | { ok: true; subcommand: Subcommand; command: ParsedCommand }
  | { ok: false; subcommand: Subcommand | null; error: string; usage: string };

/** Longest note on `/dr resolve` and message on `/dr statuspage`. */
export const MAX_NOTE_LENGTH = 1_000; // characters
export const MAX_STATUS_MESSAGE_LENGTH = 2_000; // characters

// RDS snapshot identifiers: a letter, then letters, digits and hyphens (1-255); automated ones
// carry an `rds:` prefix; shared ones are given as an ARN (`arn:aws:rds:<region>:<account>:snapshot:<name>`).
const SNAPSHOT_ID = /^(?:arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:(?:cluster-)?snapshot:)?(?:rds:)?[A-Za-z][A-Za-z0-9-]{0,254}$/;

const ALIASES: Record<string, Subcommand> = { acknowledge: 'ack', '--help': 'help', '-h': 'help', '?': 'help' };

type Failure = { ok: false; error: string };
const failure = (error: string): Failure => ({ ok: false, error });

/**
 * Parses `/dr` text into a typed command, or a plain error plus the usage line. Pure and total:
 * any string, however hostile, yields one or the other.
 */
export function parseCommand(text: string, context: ParseContext): ParseOutcome {
  const normalized = normalizeCommandText(text);
  if (!normalized.ok) return { ok: false, subcommand: null, error: normalized.error, usage: generalUsage(context.command) };

  const { words, rest } = takeWords(normalized.text, 1);
  const word = words[0];
  if (word === undefined) return { ok: true, subcommand: 'help', command: { kind: 'help' } };
  const subcommand = resolveSubcommand(word);
  if (subcommand === null) {
    const guess = closestMatch(word, SUBCOMMANDS);
    const hint = guess ? ` Did you mean \`${context.command} ${guess}\`?` : '';
    return { ok: false, subcommand: null, error: `Unknown command ${quoteInput(word)}.${hint}`, usage: generalUsage(context.command) };
  }

  const result = parseSubcommand(subcommand, rest, context);
  if (!result.ok) return { ok: false, subcommand, error: result.error, usage: usageLine(context.command, subcommand) };
  return { ok: true, subcommand, command: result.command };
}

/** The subcommand a first word names (case-insensitive, with aliases), or null. */
export function resolveSubcommand(word: string): Subcommand | null {
  const lower = word.toLowerCase();
  if ((SUBCOMMANDS as readonly string[]).includes(lower)) return lower as Subcommand;
  // Own keys only: "constructor" or "__proto__" must not resolve through Object.prototype.
  return Object.hasOwn(ALIASES, lower) ? (ALIASES[lower] ?? null) : null;
}

type SubResult = { ok: true; command: ParsedCommand } | Failure;

function parseSubcommand(subcommand: Subcommand, rest: string, context: ParseContext): SubResult {
  switch (subcommand) {
    case 'help':
    case 'status':
    case 'incidents':
    case 'approvals':
    case 'readiness':
    case 'silences':
    case 'drills':
      if (rest.length > 0) return failure(`\`${context.command} ${subcommand}\` takes no arguments; remove ${quoteInput(rest)}.`);
      return { ok: true, command: { kind: subcommand } };
    case 'ack':
    case 'page': {
      const id = parseIncidentArgument(rest, subcommand, context, false);
      if (!id.ok) return id;
      return { ok: true, command: { kind: subcommand, incidentId: id.incidentId } };
    }
    case 'resolve':
      return parseResolve(rest, context);
    case 'failover':
      return parseFailover(rest, context);
    case 'restore':
      return parseRestore(rest, context);
    case 'statuspage':
      return parseStatusPage(rest, context);
    case 'silence':
      return parseSilence(rest, context);
    case 'unsilence':
      return parseUnsilence(rest, context);
    case 'declare':
      return parseDeclare(rest, context.command);
    case 'timeline':
      return parseTimeline(rest, context.command);
    case 'audit':
      return parseAudit(rest);
    case 'drill':
      return parseDrill(rest, context.command, context.drills ?? []);
    case 'resume':
    case 'revert-dns':
      return parseRunReference(rest, subcommand, context);
  }
}

type IncidentArgument = { ok: true; incidentId: string; rest: string } | Failure;

function parseIncidentArgument(text: string, subcommand: Subcommand, context: ParseContext, allowRest: boolean): IncidentArgument {
  const { words, rest } = takeWords(text, 1);
  const word = words[0];
  if (word === undefined) return failure(`Which incident? Give its id, e.g. \`${context.command} ${subcommand} INC-42\`.`);
  const incidentId = parseIncidentId(word);
  if (incidentId === null) return failure(`${quoteInput(word)} is not an incident id; incident ids look like INC-42.`);
  if (!allowRest && rest.length > 0) return failure(`Unexpected ${quoteInput(rest)} after the incident id.`);
  return { ok: true, incidentId, rest };
}

function parseUnsilence(text: string, context: ParseContext): SubResult {
  const check = parseCheckArgument(text, 'unsilence', context);
  if (!check.ok) return check;
  if (check.rest.length > 0) return failure(`Unexpected ${quoteInput(check.rest)} after the check id.`);
  return { ok: true, command: { kind: 'unsilence', checkId: check.checkId } };
}

function parseResolve(text: string, context: ParseContext): SubResult {
  const id = parseIncidentArgument(text, 'resolve', context, true);
  if (!id.ok) return id;
  const note = slackTextToPlain(unquote(id.rest)).trim();
  if ([...note].length > MAX_NOTE_LENGTH) {
    return failure(`The note is ${[...note].length} characters long; keep it to ${MAX_NOTE_LENGTH}.`);
  }
  return { ok: true, command: { kind: 'resolve', incidentId: id.incidentId, ...(note ? { note } : {}) } };
}

function parseStatusPage(text: string, context: ParseContext): SubResult {
  const id = parseIncidentArgument(text, 'statuspage', context, true);
  if (!id.ok) return id;
  const { words, rest } = takeWords(id.rest, 1);
  const word = words[0];
  const states = STATUS_PAGE_STATES.join(', ');
  if (word === undefined) return failure(`Give the status to publish: one of ${states}.`);
  const status = word.toLowerCase();
  if (!(STATUS_PAGE_STATES as readonly string[]).includes(status)) {
    const guess = closestMatch(word, STATUS_PAGE_STATES);
    return failure(`Unknown status ${quoteInput(word)}: use one of ${states}.${guess ? ` Did you mean \`${guess}\`?` : ''}`);
  }
  const message = slackTextToPlain(unquote(rest)).trim();
  if (message.length === 0) return failure('The status page message is empty: write what customers should read.');
  if ([...message].length > MAX_STATUS_MESSAGE_LENGTH) {
    return failure(`The message is ${[...message].length} characters long; keep it to ${MAX_STATUS_MESSAGE_LENGTH}.`);
  }
  const request: ActionRequest = { kind: 'statuspage', incidentId: id.incidentId, status: status as StatusPageState, message };
  return { ok: true, command: { kind: 'action', request } };
}

/** `--flag`, `--flag=value` or `--flag value`, with the words that are not flags. */
interface Options {
  positional: string[];
  flags: Map<string, string | null>;
}

type OptionsResult = { ok: true; options: Options } | Failure;

function parseOptions(text: string, valued: ReadonlySet<string>, known: readonly string[], subcommand: string): OptionsResult {
  const words = splitWords(text);
  const positional: string[] = [];
  const flags = new Map<string, string | null>();
  for (let i = 0; i < words.length; i++) {
    const word = words[i] ?? '';
    if (!word.startsWith('-')) {
      positional.push(word);
      continue;
    }
    const [rawName = '', inlineValue] = word.split(/=(.*)/s, 2) as [string, string | undefined];
    const name = rawName.toLowerCase();
    if (!known.includes(name)) {
      const guess = closestMatch(name, known);
      const list = known.join(', ');
      return failure(`Unknown option ${quoteInput(rawName)} for ${subcommand}: use ${list}.${guess ? ` Did you mean \`${guess}\`?` : ''}`);
    }
    if (!valued.has(name)) {
      if (inlineValue !== undefined) return failure(`\`${name}\` takes no value; remove ${quoteInput(`=${inlineValue}`)}.`);
      flags.set(name, null);
      continue;
    }
    let value = inlineValue;
    if (value === undefined) {
      const next = words[i + 1];
      if (next !== undefined && !next.startsWith('--')) {
        value = next;
        i += 1;
      }
    }
    if (flags.has(name) && flags.get(name) !== value) return failure(`\`${name}\` is given twice with different values; give it once.`);
    flags.set(name, value === undefined || value === '' ? null : value);
  }
  return { ok: true, options: { positional, flags } };
}

/**
 * `/dr resume <APR-n> [--dry-run]` and `/dr revert-dns <APR-n> [--dry-run]`. Whether APR-n exists
 * and ended in a way that leaves something to do is the planner's answer (it reads the store).
 */
function parseRunReference(text: string, subcommand: 'resume' | 'revert-dns', context: ParseContext): SubResult {
  const parsed = parseOptions(text, new Set(), ['--dry-run'], subcommand);
  if (!parsed.ok) return parsed;
  const [word, ...extra] = parsed.options.positional;
  if (word === undefined) return failure(`Which run? Give its approval id, e.g. \`${context.command} ${subcommand} APR-12\`.`);
  if (extra.length > 0) return failure(`Unexpected ${quoteInput(extra.join(' '))}: ${subcommand} takes one approval id.`);
  const approvalId = word.toUpperCase();
  if (!isApprovalId(approvalId)) return failure(`${quoteInput(word)} is not an approval id; approval ids look like APR-12.`);
  const request: ActionRequest = { kind: subcommand, approvalId, dryRun: parsed.options.flags.has('--dry-run') };
  return { ok: true, command: { kind: 'action', request } };
}

type RunbookResult = { ok: true; runbook: string } | Failure;

function parseRunbook(positional: string[], kind: 'failover' | 'restore', names: readonly string[], context: ParseContext): RunbookResult {
  const [name, ...extra] = positional;
  const example = names[0] ?? 'orders';
  if (name === undefined) return failure(`Name the ${kind} runbook to run, e.g. \`${context.command} ${kind} ${example}\`.`);
  if (extra.length > 0) return failure(`Unexpected ${quoteInput(extra.join(' '))}: ${kind} takes one runbook name.`);
  if (names.includes(name)) return { ok: true, runbook: name };
  if (names.length === 0) return failure(`No ${kind} runbooks are configured (runbooks.${kind} in the config file).`);
  const guess = closestMatch(name, names);
  const known = `Known ${kind} runbooks: ${names.map((n) => `\`${n}\``).join(', ')}.`;
  return failure(`No ${kind} runbook named ${quoteInput(name)}.${guess ? ` Did you mean \`${guess}\`?` : ''} ${known}`);
}

function parseFailover(text: string, context: ParseContext): SubResult {
  const parsed = parseOptions(text, new Set(), ['--dry-run', '--allow-data-loss'], 'failover');
  if (!parsed.ok) return parsed;
  const { positional, flags } = parsed.options;
  const runbook = parseRunbook(positional, 'failover', context.failoverRunbooks, context);
  if (!runbook.ok) return runbook;
  const request: FailoverRequest = {
    kind: 'failover',
    runbook: runbook.runbook,
    dryRun: flags.has('--dry-run'),
    allowDataLoss: flags.has('--allow-data-loss'),
  };
  return { ok: true, command: { kind: 'action', request } };
}

function parseRestore(text: string, context: ParseContext): SubResult {
  const valued = new Set(['--snapshot', '--time']);
  const parsed = parseOptions(text, valued, ['--snapshot', '--time', '--latest', '--dry-run'], 'restore');
  if (!parsed.ok) return parsed;
  const { positional, flags } = parsed.options;
  const split = splitTime(flags.get('--time'), positional);
  if (split) return split;
  const runbook = parseRunbook(positional, 'restore', context.restoreRunbooks, context);
  if (!runbook.ok) return runbook;

  const sources = ['--snapshot', '--time', '--latest'].filter((flag) => flags.has(flag));
  if (sources.length === 0) return failure('Say what to restore from: `--snapshot <id>`, `--time <ISO-8601>` or `--latest`.');
  if (sources.length > 1) return failure(`Choose one source, not ${sources.map((s) => `\`${s}\``).join(' and ')}.`);
  const source = parseRestoreSource(sources[0] ?? '', flags.get(sources[0] ?? '') ?? null, context);
  if (!source.ok) return source;
  const request: RestoreRequest = { kind: 'restore', runbook: runbook.runbook, dryRun: flags.has('--dry-run'), source: source.source };
  return { ok: true, command: { kind: 'action', request } };
}

// `--time 2024-01-01 00:00:00Z`: a date given as the value and a time of day left over as a word.
const DATE_ONLY = /^["'\u201c\u2018]?\d{4}-\d{2}-\d{2}$/;
const TIME_OF_DAY = /^\d{1,2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?["'\u201d\u2019]?$/i;

/**
 * A `--time` written with a space between date and time: the parser would take the time for a
 * second runbook name, so say what is wrong with the time instead, with the word it should be.
 */
function splitTime(value: string | null | undefined, positional: string[]): Failure | null {
  if (!value || !DATE_ONLY.test(value)) return null;
  const time = positional.find((word) => TIME_OF_DAY.test(word));
  if (time === undefined) return null;
  const joined = `${value.replace(/^["'\u201c\u2018]/, '')}T${time.replace(/["'\u201d\u2019]$/, '')}`;
  const example = parseIsoTime(joined).ok ? joined : '2024-01-01T00:00:00Z';
  return failure(`\`--time\` takes one ISO-8601 word, date and time joined by \`T\` with no space and a zone: e.g. \`--time ${example}\`.`);
}

type SourceResult = { ok: true; source: RestoreSource } | Failure;

function parseRestoreSource(flag: string, value: string | null, context: ParseContext): SourceResult {
  if (flag === '--latest') return { ok: true, source: { type: 'latest' } };
  if (flag === '--snapshot') {
    if (value === null) return failure('`--snapshot` needs a snapshot id, e.g. `--snapshot rds:orders-db-2026-11-21-00-05`.');
    if (!SNAPSHOT_ID.test(value)) {
      return failure(
        `${quoteInput(value)} is not an RDS snapshot id (a letter, then letters, digits and hyphens; \`rds:\` prefix or ARN allowed).`,
      );
    }
    return { ok: true, source: { type: 'snapshot', snapshotId: value } };
  }
  if (value === null) return failure('`--time` needs an ISO-8601 time with a zone, e.g. `--time 2026-11-21T11:30:00Z`.');
  const time = parseIsoTime(value);
  if (!time.ok) {
    const why = time.reason === 'invalid-date' ? 'is not a real date and time' : 'is not an ISO-8601 time with a zone';
    return failure(`${quoteInput(value)} ${why}; write it like \`2026-11-21T11:30:00Z\`.`);
  }
  if (time.epochMs > context.nowMs) return failure(`${quoteInput(value)} is in the future; a restore point must be in the past.`);
  return { ok: true, source: { type: 'time', time: time.iso } };
}
