import { COMPONENT_STATUSES, STATUS_PAGE_STATES } from '../core/action-request.js';
import { invalidUpdate } from './statuspage-error.js';
import { STATUS_PAGE_IMPACTS, type StatusPageUpdate } from './status-page.js';

/**
 * Statuspage's limits (API v1 OpenAPI spec, incident schema): "Incident Name. There is a maximum
 * limit of 255 characters." and body: "There is a maximum limit of 25000 characters". The
 * built-in page applies the same limits, so an update valid for one provider is valid for both.
 */
export const MAX_TITLE_CHARS = 255;
export const MAX_MESSAGE_CHARS = 25_000;
/** Incident ids are Lifeboat's own (`INC-42`); the bound keeps store keys and URLs sane. */
const MAX_INCIDENT_ID_CHARS = 64;

/**
 * Longest text to publish a request may carry, in characters (code points) after Slack's
 * entities are decoded. Approvers must read all of it in the approval message: at this bound
 * even a text of nothing but `&` (`&amp;` there, five characters each) fits a few sections.
 */
export const MAX_PUBLISHED_TEXT_CHARS = 2_000;

/**
 * Characters that show nothing or change how the rest reads: Unicode format characters (Cf: tag
 * characters U+E0000–U+E007F, zero-width U+200B–U+200D, U+2060, U+FEFF, bidi controls, soft
 * hyphen) and control characters (Cc) other than tab and line breaks.
 */
const HIDDEN = /[\p{Cf}]|(?![\t\n\r])\p{Cc}/u;

/** `U+E0020`: how an error names a character nobody can see. */
export function codePointName(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Why `text` may not be published as approvers would read it, or null: it hides a character
 * (named with its position, counted in characters from 1), or it is longer than
 * MAX_PUBLISHED_TEXT_CHARS. `what` names the text in the sentence ("The message").
 */
export function textToPublishProblem(text: string, what = 'The message', maxChars = MAX_PUBLISHED_TEXT_CHARS): string | null {
  const hidden = hiddenCharacter(text);
  if (hidden) {
    return (
      `${what} holds an invisible or formatting character, ${hidden.name}, at character ${hidden.position}; ` +
      'approvers could not see it, so it cannot be published. Retype the text without it.'
    );
  }
  const position = characterCount(text);
  if (position > maxChars)
    return `${what} is ${position} characters long; text to publish is limited to ${maxChars} characters so approvers can read it whole.`;
  return null;
}

/** The first character of `text` nobody can see (see HIDDEN): its name and position (from 1), or null. */
export function hiddenCharacter(text: string): { name: string; position: number } | null {
  let position = 0;
  for (const char of text) {
    position += 1;
    if (HIDDEN.test(char)) return { name: codePointName(char), position };
  }
  return null;
}

/** Characters as a person counts them (code points), not UTF-16 units: an emoji is one. */
export function characterCount(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

/**
 * Every problem with an update, as sentences an operator can act on; empty when it may be
 * published. `knownComponents` are the component names the page shows.
 */
export function statusPageUpdateProblems(update: StatusPageUpdate, knownComponents: Iterable<string>): string[] {
  const problems: string[] = [];
  const known = new Set(knownComponents);

  if (update.incidentId.trim() === '' || characterCount(update.incidentId) > MAX_INCIDENT_ID_CHARS) {
    problems.push('The incident id is missing or too long.');
  }
  if (!(STATUS_PAGE_STATES as readonly string[]).includes(update.status)) {
    problems.push(`"${update.status}" is not a status-page status (use ${STATUS_PAGE_STATES.join(', ')}).`);
  }
  if (update.title.trim() === '') problems.push('The title is empty.');
  const titleChars = characterCount(update.title);
  if (titleChars > MAX_TITLE_CHARS) {
    problems.push(`The title is ${titleChars} characters long; the status page allows ${MAX_TITLE_CHARS}.`);
  }
  if (update.message.trim() === '') problems.push('The message is empty: say what users see and what happens next.');
  // Approval refuses these already; checked again here so no other way in can publish them.
  const hiddenInTitle = textToPublishProblem(update.title, 'The title', Number.POSITIVE_INFINITY);
  if (hiddenInTitle) problems.push(hiddenInTitle);
  const hiddenInMessage = textToPublishProblem(update.message, 'The message', Number.POSITIVE_INFINITY);
  if (hiddenInMessage) problems.push(hiddenInMessage);
  const messageChars = characterCount(update.message);
  if (messageChars > MAX_MESSAGE_CHARS) {
    problems.push(`The message is ${messageChars} characters long; the status page allows ${MAX_MESSAGE_CHARS}.`);
  }
  if (update.impact !== undefined && !(STATUS_PAGE_IMPACTS as readonly string[]).includes(update.impact)) {
    problems.push(`"${update.impact}" is not an impact (use ${STATUS_PAGE_IMPACTS.join(', ')}).`);
  }
  for (const [name, status] of Object.entries(update.components)) {
    if (!known.has(name)) {
      const names = [...known];
      problems.push(
        `"${name}" is not a status-page component (${names.length > 0 ? `known: ${names.join(', ')}` : 'none are configured'}).`,
      );
    }
    if (!(COMPONENT_STATUSES as readonly string[]).includes(status)) {
      problems.push(`"${status}" is not a component status (use ${COMPONENT_STATUSES.join(', ')}).`);
    }
  }
  return problems;
}

/** Throws LIFEBOAT_STATUSPAGE_INVALID_UPDATE with every problem when the update may not be published. */
export function assertValidUpdate(update: StatusPageUpdate, knownComponents: Iterable<string>): void {
  const problems = statusPageUpdateProblems(update, knownComponents);
  if (problems.length > 0) throw invalidUpdate(problems.join(' '));
}
