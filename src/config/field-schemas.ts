import cron from 'node-cron';
import { z } from 'zod';
import { SEVERITIES } from '../core/severity.js';
import { describeValue } from './describe-value.js';
import { parseDuration } from './parse-duration.js';

/** Wording for a field that failed a format check: `"x" is not <what>`, or `required`. */
function notA(what: string) {
  return (issue: { input?: unknown }): string => (issue.input === undefined ? 'required' : `${describeValue(issue.input)} is not ${what}`);
}

/** A duration string (`500ms`, `15s`, `5m`, `26h`, `1d`) as milliseconds. */
export const duration = z.string({ error: notA('a duration (use 500ms, 15s, 5m, 26h)') }).transform((text, ctx) => {
  try {
    return parseDuration(text);
  } catch (error) {
    ctx.issues.push({ code: 'custom', message: (error as Error).message, input: text });
    return z.NEVER;
  }
});

export const severity = z.enum(SEVERITIES);

/** A whole number >= 1 (counts: approvals, failAfter, concurrency). */
export const count = z.number().int().min(1);

export const port = z
  .number({ error: notA('a port (use a whole number 1-65535)') })
  .int({ error: notA('a port (use a whole number 1-65535)') })
  .min(1, { error: notA('a port (use a whole number 1-65535)') })
  .max(65_535, { error: notA('a port (use a whole number 1-65535)') });

export const text = z.string().min(1);

/** A map of non-empty names to non-empty text (CloudWatch dimensions, status-page components). */
export const textMap = z.record(z.string().min(1), text);

export const checkId = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, {
  error: notA('a valid check id (lowercase letters, digits, - and _, at most 63, starting with a letter or digit)'),
});

export const awsRegion = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, { error: notA('an AWS region (e.g. us-east-1)') });

/** Slack user ids (U…, W… for Enterprise Grid) and usergroup ids (S…). */
export const slackPrincipal = z.string().regex(/^[UWS][A-Z0-9]{2,}$/, { error: notA('a Slack user id (U…/W…) or usergroup id (S…)') });

/** A channel id (C…, G…) or a channel name (`#incidents` or `incidents`). */
export const slackChannel = z.string().regex(/^([CG][A-Z0-9]{2,}|#?[a-z0-9][a-z0-9._-]{0,79})$/, {
  error: notA('a Slack channel id (C…) or channel name (#incidents)'),
});

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

export const httpUrl = z.string().refine(isHttpUrl, { error: notA('an http(s) URL (e.g. https://api.example.com/health)') });

/** A node-cron expression: 5 fields, or 6 with seconds first. */
export const cronExpression = z.string().refine((expression) => cron.validate(expression), {
  error: notA('a cron expression (5 fields, or 6 with seconds; e.g. "*/15 * * * *")'),
});

export const httpStatus = z
  .number({ error: notA('an HTTP status code (100-599)') })
  .int({ error: notA('an HTTP status code (100-599)') })
  .min(100, { error: notA('an HTTP status code (100-599)') })
  .max(599, { error: notA('an HTTP status code (100-599)') });
