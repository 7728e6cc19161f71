import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { Logger } from '../observability/logger.js';
import { isRecord, nonEmptyString, recordOf } from './untyped-fields.js';

/** The workspace and Slack app Lifeboat is installed as (auth.test's team_id, bots.info's app_id). */
export interface InstalledApp {
  teamId: string;
  appId: string;
}

/** One field of a payload that does not name our workspace or app. */
export interface OriginMismatch {
  field: 'team_id' | 'api_app_id' | 'view.team_id' | 'view.app_id';
  expected: string;
  /** What the payload carried; null when it carried nothing there. */
  received: string | null;
}

/**
 * Where a Slack payload says it comes from, compared with the installation. Slash commands carry
 * `team_id` and `api_app_id` as form fields; block_actions and view_submission carry `team.id`
 * and `api_app_id`, and a view its own `team_id` and `app_id` (the app that opened it). Every
 * field must be present and equal: a missing one is a mismatch (fail closed).
 */
export function originMismatches(body: Record<string, unknown>, installed: InstalledApp): OriginMismatch[] {
  const out: OriginMismatch[] = [];
  const check = (field: OriginMismatch['field'], received: string | null, expected: string) => {
    if (received !== expected) out.push({ field, expected, received });
  };
  check('team_id', teamIdOf(body), installed.teamId);
  check('api_app_id', nonEmptyString(body.api_app_id) ?? null, installed.appId);
  const view = recordOf(body.view);
  if (view) {
    check('view.team_id', nonEmptyString(view.team_id) ?? null, installed.teamId);
    check('view.app_id', nonEmptyString(view.app_id) ?? null, installed.appId);
  }
  return out;
}

export interface InstalledOnlyOptions {
  /** The installation, or null while it is not known yet. */
  installed: () => InstalledApp | null;
  /** Asks Slack who we are (in the background) when a payload arrives before we know. */
  learn: () => void;
  logger: Logger;
  /**
   * Socket Mode: ack refused envelopes (empty) so Slack does not redeliver them. Over HTTP the
   * receiver answers 200 with an empty body by itself when nothing acks, and acking there would
   * start the delivery bookkeeping (and its store-down answer) for a payload that is not ours.
   */
  ackRefused: boolean;
}

/**
 * Bolt global middleware, registered first: passes on only payloads from the installed workspace
 * and app. Anything else, or anything before the installation is known, is dropped with no side
 * effect and no answer (a foreign workspace is told nothing), and logged with what mismatched.
 */
export function installedOnly(options: InstalledOnlyOptions): Middleware<AnyMiddlewareArgs> {
  const { logger } = options;
  return async (args) => {
    // Any kind of payload reaches a global middleware: its fields are read one by one.
    const body: Record<string, unknown> = isRecord(args.body) ? args.body : {};
    const installed = options.installed();
    const mismatches = installed ? originMismatches(body, installed) : null;
    if (mismatches !== null && mismatches.length === 0) {
      await args.next();
      return;
    }
    const kind = describeKind(body);
    if (mismatches === null) {
      options.learn();
      logger.warn(
        { kind, teamId: teamIdOf(body), apiAppId: nonEmptyString(body.api_app_id) ?? null },
        'refused a Slack payload: the installed workspace and app are not known yet (auth.test, bots.info). Check SLACK_BOT_TOKEN and the users:read scope',
      );
    } else {
      logger.warn(
        { kind, mismatches },
        'refused a Slack payload that is not from the installed workspace and app; nothing done, nothing answered',
      );
    }
    if (options.ackRefused && 'ack' in args && typeof args.ack === 'function') {
      await args.ack().catch((err: unknown) => logger.warn({ err, kind }, 'could not ack a refused Slack payload'));
    }
  };
}

function describeKind(body: Record<string, unknown>): string {
  if (typeof body.command === 'string') return `command ${body.command}`;
  return typeof body.type === 'string' ? body.type : 'unknown';
}

/** Slash commands carry `team_id`; interactive payloads `team.id`. */
function teamIdOf(body: Record<string, unknown>): string | null {
  return nonEmptyString(body.team_id) ?? nonEmptyString(recordOf(body.team)?.id) ?? null;
}
