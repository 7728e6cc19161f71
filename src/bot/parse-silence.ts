import { closestMatch } from '../config/closest-match.js';
import { parseDuration } from '../config/parse-duration.js';
import { formatConfigDuration } from '../core/format-time.js';
import { MAX_SILENCE_MS, MAX_SILENCE_REASON } from '../noise/silence.js';
import { takeWords, unquote } from './command-text.js';
import type { ParseContext, ParsedCommand } from './parse-command.js';
import { quoteInput, slackTextToPlain } from './slack-text.js';

type Failure = { ok: false; error: string };
const failure = (error: string): Failure => ({ ok: false, error });

/** The check id a command names first, validated against the configured checks. */
export function parseCheckArgument(
  text: string,
  subcommand: 'silence' | 'unsilence',
  context: ParseContext,
): { ok: true; checkId: string; rest: string } | Failure {
  const { words, rest } = takeWords(text, 1);
  const word = words[0];
  const ids = context.checkIds ?? [];
  const example = ids[0] ?? 'api';
  if (word === undefined)
    return failure(
      `Which check? Give its id, e.g. \`${context.command} ${subcommand} ${example}${subcommand === 'silence' ? ' 2h DB upgrade' : ''}\`.`,
    );
  if (ids.includes(word)) return { ok: true, checkId: word, rest };
  if (ids.length === 0) return failure('No checks are configured (checks: in the config file).');
  const guess = closestMatch(word, ids);
  return failure(`No check named ${quoteInput(word)}.${guess ? ` Did you mean \`${guess}\`?` : ''}`);
}

/** `/dr silence <check> <duration> <reason>`: at most 7 days, a reason required. */
export function parseSilence(text: string, context: ParseContext): { ok: true; command: ParsedCommand } | Failure {
  const check = parseCheckArgument(text, 'silence', context);
  if (!check.ok) return check;
  const { words, rest } = takeWords(check.rest, 1);
  const word = words[0];
  if (word === undefined) return failure('For how long? Give a duration such as `30m`, `2h` or `1d` (at most 7d).');
  let durationMs: number;
  try {
    durationMs = parseDuration(word);
  } catch (err) {
    return failure(`${(err as Error).message.replace(/^"(.*)"/, (_, inner: string) => quoteInput(inner))}.`);
  }
  if (durationMs > MAX_SILENCE_MS) {
    return failure(`${quoteInput(word)} is longer than 7 days (${formatConfigDuration(durationMs)}); a silence lasts at most 7d.`);
  }
  const reason = slackTextToPlain(unquote(rest)).trim();
  if (reason.length === 0) return failure('Say why, after the duration: the reason is shown on the incident and in the audit log.');
  if ([...reason].length > MAX_SILENCE_REASON) {
    return failure(`The reason is ${[...reason].length} characters long; keep it to ${MAX_SILENCE_REASON}.`);
  }
  return { ok: true, command: { kind: 'silence', checkId: check.checkId, durationMs, reason } };
}
