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
