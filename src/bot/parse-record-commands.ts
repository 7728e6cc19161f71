import { closestMatch } from '../config/closest-match.js';
import { SEVERITIES, type Severity } from '../core/severity.js';
import { characterCount, hiddenCharacter } from '../statuspage/validate-update.js';
import { takeWords, unquote } from './command-text.js';
import { parseIncidentId } from './parse-incident-id.js';
import { quoteInput, slackTextToPlain } from './slack-text.js';

// The parsers of the record-keeping subcommands: `declare`, `timeline` and `audit` (SPEC §5, §11).

/** Longest title of a declared incident: it is the incident's headline and its PagerDuty summary. */
export const MAX_DECLARED_TITLE_CHARS = 150;
/** `/dr audit` without a count shows this many entries; at most AUDIT_COUNT_MAX. */
export const AUDIT_COUNT_DEFAULT = 20;
export const AUDIT_COUNT_MAX = 100;

export type RecordCommand =
  | { kind: 'declare'; severity: Severity; title: string }
  | { kind: 'timeline'; incidentId: string }
  | { kind: 'audit'; count: number };

type Failure = { ok: false; error: string };
export type RecordParse = { ok: true; command: RecordCommand } | Failure;

const failure = (error: string): Failure => ({ ok: false, error });

/** `/dr declare <SEV1-4> <title>`: the severity, then the title as typed (one line, no hidden characters). */
export function parseDeclare(text: string, command: string): RecordParse {
  const { words, rest } = takeWords(text, 1);
  const word = words[0];
  const example = `\`${command} declare SEV2 Checkout failing for EU customers\``;
  if (word === undefined) return failure(`Give a severity and a title, e.g. ${example}.`);
  const severity = word.toUpperCase();
  if (!(SEVERITIES as readonly string[]).includes(severity)) {
    const guess = closestMatch(severity, SEVERITIES);
    return failure(
      `${quoteInput(word)} is not a severity: use one of ${SEVERITIES.join(', ')}.${guess ? ` Did you mean \`${guess}\`?` : ''}`,
    );
  }
  const title = slackTextToPlain(unquote(rest)).trim();
  if (title.length === 0) return failure(`Give the incident a title after the severity, e.g. ${example}.`);
  if (/[\r\n]/.test(title)) return failure('The title must be one line: it is the incident headline.');
  const hidden = hiddenCharacter(title);
  if (hidden) {
    return failure(
      `The title holds an invisible or formatting character, ${hidden.name}, at character ${hidden.position}; ` +
        'readers of the incident could not see it. Retype the title without it.',
    );
  }
  const length = characterCount(title);
  if (length > MAX_DECLARED_TITLE_CHARS) return failure(`The title is ${length} characters long; keep it to ${MAX_DECLARED_TITLE_CHARS}.`);
  return { ok: true, command: { kind: 'declare', severity: severity as Severity, title } };
}

/** `/dr timeline <incident>`. */
export function parseTimeline(text: string, command: string): RecordParse {
  const { words, rest } = takeWords(text, 1);
  const word = words[0];
  if (word === undefined) return failure(`Which incident? Give its id, e.g. \`${command} timeline INC-42\`.`);
  const incidentId = parseIncidentId(word);
  if (incidentId === null) return failure(`${quoteInput(word)} is not an incident id; incident ids look like INC-42.`);
  if (rest.length > 0) return failure(`Unexpected ${quoteInput(rest)} after the incident id.`);
  return { ok: true, command: { kind: 'timeline', incidentId } };
}

/** `/dr audit [count]`: 1 to AUDIT_COUNT_MAX, AUDIT_COUNT_DEFAULT when left out. */
export function parseAudit(text: string): RecordParse {
  const { words, rest } = takeWords(text, 1);
  const word = words[0];
  if (word === undefined) return { ok: true, command: { kind: 'audit', count: AUDIT_COUNT_DEFAULT } };
  if (rest.length > 0) return failure(`Unexpected ${quoteInput(rest)}: audit takes at most one number.`);
  const count = /^\d{1,6}$/.test(word) ? Number(word) : Number.NaN;
  if (!Number.isInteger(count) || count < 1 || count > AUDIT_COUNT_MAX) {
    return failure(`${quoteInput(word)} is not a count of entries: give a whole number from 1 to ${AUDIT_COUNT_MAX}.`);
  }
  return { ok: true, command: { kind: 'audit', count } };
}
