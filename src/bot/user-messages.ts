import { randomBytes } from 'node:crypto';
import { LifeboatError } from '../core/lifeboat-error.js';
import type { Logger } from '../observability/logger.js';
import type { IncidentTransitionRefusal } from './bot-ports.js';
import { READ_ONLY_SUBCOMMAND_LIST } from './command-usage.js';

/** Plain, safe sentences for Slack users. Internal detail goes to the log, never to Slack. */
export function refusedNotOperator(what: string): string {
  return `Only Lifeboat operators can ${what}. Anyone can use ${READ_ONLY_SUBCOMMAND_LIST}; ask an operator (slack.operators) to do this.`;
}

/**
 * A read-only listing with nothing configured to list: says so, and where in the config one is
 * added (the config is read at start, so it takes a restart).
 */
export function nothingConfigured(what: string, where: string, readmeSection: string): string {
  return `No ${what} are configured. Add one under ${where} in the config (README, "${readmeSection}"), then restart Lifeboat.`;
}

/** `/dr drills` and `/dr drill` with no `drills:` section. */
export const NO_DRILLS_CONFIGURED = nothingConfigured('drills', '`drills:`', 'Restore drills');

/** `/dr readiness` with no runbooks. */
export const NO_RUNBOOKS_CONFIGURED = nothingConfigured(
  'failover or restore runbooks',
  '`runbooks.failover` or `runbooks.restore`',
  'Configuration',
);

/** A permission check Slack could not answer (usergroup unreadable or too slow): refused, fail closed. */
export function permissionUnconfirmed(what: string): string {
  return `Slack could not confirm that you may ${what}, so Lifeboat did not do it. Try again in a minute; if it persists, ask an operator to check the Lifeboat service.`;
}

/** The refusal for a permission verdict other than `permitted`. */
export function permissionRefusal(verdict: 'refused' | 'unconfirmed', what: string): string {
  return verdict === 'unconfirmed' ? permissionUnconfirmed(what) : refusedNotOperator(what);
}

/**
 * A click that Lifeboat did not invite: a button on a message it did not post, or a proposal for a
 * runbook not linked to the incident's check. Nothing was done.
 */
export function notOurButton(listCommand: string): string {
  return `That button is not on a message Lifeboat posted for this, so it did nothing. Use \`${listCommand}\` to see what is current.`;
}

/** Why an ack/resolve did not happen, in words. */
export function transitionRefusal(reason: IncidentTransitionRefusal, incidentId: string): string {
  switch (reason) {
    case 'not-found':
      return `There is no incident ${incidentId}. \`incidents\` lists the open ones.`;
    case 'already-acknowledged':
      return `${incidentId} is already acknowledged.`;
    case 'already-resolved':
      return `${incidentId} is already resolved.`;
    case 'conflict':
      return `${incidentId} changed while you were acting on it. Look at it again and retry.`;
  }
}

/**
 * Logs an unexpected failure with everything needed to fix it, and returns the sentence the user
 * sees: what happened in plain words (the error's own `userMessage` when it has one) and a
 * reference to find the log line. No message, stack or setting name of the failure reaches Slack.
 */
export function internalFailure(logger: Logger, err: unknown, doing: string, context: Record<string, unknown>): string {
  const reference = randomBytes(3).toString('hex');
  if (err instanceof LifeboatError && err.userMessage !== undefined) {
    const fix = err.hint === undefined ? '' : `; ${err.hint}`;
    logger.error({ err, reference, code: err.code, hint: err.hint, ...context }, `${doing} failed: ${err.message}${fix}`);
    return `${err.userMessage.replace(/\.$/, '')} (reference ${reference}).`;
  }
  logger.error({ err, reference, ...context }, `${doing} failed unexpectedly`);
  return `Lifeboat hit an internal error and could not finish this. The log has the details under reference ${reference}.`;
}
