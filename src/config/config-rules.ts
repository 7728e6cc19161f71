import { checkRules, databaseRules } from './check-rules.js';
import { closestMatch } from './closest-match.js';
import type { ConfigIssue } from './config-issue.js';
import type { EnvVariable } from './env-schema.js';
import { drillRegionRules, drillRules } from './drill-rules.js';
import { noiseRules } from './noise-rules.js';
import { DEFAULT_DEMO_PORT, DEFAULT_PORT } from './sections-schema.js';
import { asArray, asInteger, asRecord, asText, isGiven } from './raw-read.js';

type CleanEnv = Partial<Record<EnvVariable, string>>;

/** A top-level section: absent or empty reads as `{}`; undefined when it is not a map at all. */
function section(value: unknown): Record<string, unknown> | undefined {
  return isGiven(value) ? asRecord(value) : {};
}

/** Slack credentials belong together: HTTP mode verifies requests, Socket Mode still posts as the bot. */
function envRules(env: CleanEnv): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (env.SLACK_BOT_TOKEN && !env.SLACK_APP_TOKEN && !env.SLACK_SIGNING_SECRET) {
    issues.push({
      path: ['env', 'SLACK_SIGNING_SECRET'],
      message: 'required when SLACK_BOT_TOKEN is set (it verifies every request from Slack); or set SLACK_APP_TOKEN for Socket Mode',
    });
  }
  if (env.SLACK_APP_TOKEN && !env.SLACK_BOT_TOKEN) {
    issues.push({
      path: ['env', 'SLACK_BOT_TOKEN'],
      message: 'required when SLACK_APP_TOKEN is set (Socket Mode still posts with the bot token)',
    });
  }
  return issues;
}

/** With Slack on, incidents need a channel and requests need approvers who can reach `approvals`. */
function slackRules(slack: Record<string, unknown> | undefined, env: CleanEnv): ConfigIssue[] {
  if (!slack) return []; // not a map: its own field error says so
  const issues: ConfigIssue[] = [];
  const approvers = asArray(slack.approvers);
  if (env.SLACK_BOT_TOKEN) {
    if (!isGiven(slack.channel)) {
      issues.push({
        path: ['slack', 'channel'],
        message: 'required when SLACK_BOT_TOKEN is set: the channel for incidents and approval requests (e.g. C0INCIDENTS)',
      });
    }
    if (!isGiven(slack.approvers) || approvers?.length === 0) {
      issues.push({
        path: ['slack', 'approvers'],
        message: 'required when SLACK_BOT_TOKEN is set: at least one Slack user id (U…) or usergroup id (S…) who may approve',
      });
    }
  }
  const approvals = asInteger(slack.approvals);
  const users = approvers?.filter((id): id is string => typeof id === 'string' && /^[UW][A-Z0-9]{2,}$/.test(id));
  // usergroups (S…) can hold any number of people: only a list of plain users has a known size
  if (approvals !== undefined && approvers && approvers.length > 0 && users?.length === approvers.length) {
    const distinct = new Set(users).size;
    if (approvals > distinct) {
      issues.push({
        path: ['slack', 'approvals'],
        message: `${approvals} can never be reached: only ${distinct} approver${distinct === 1 ? ' is' : 's are'} listed in slack.approvers`,
      });
    }
  }
  return issues;
}

/**
 * Atlassian needs its page id and key; checks may only speak for components the page has; and
 * unreviewed monitor incidents never go to Statuspage (SPEC §8: public posts only when approved).
 */
function statuspageRules(raw: Record<string, unknown>, env: CleanEnv): ConfigIssue[] {
  const statuspage = section(raw.statuspage);
  if (statuspage?.provider !== 'atlassian') return [];
  const issues: ConfigIssue[] = [];
  if (statuspage.showMonitorIncidents === true) {
    issues.push({
      path: ['statuspage', 'showMonitorIncidents'],
      message:
        'works with provider builtin only: Atlassian Statuspage gets nothing but what an approved statuspage request posts (remove this line, or use provider: builtin)',
    });
  }
  if (!isGiven(statuspage.pageId)) {
    issues.push({ path: ['statuspage', 'pageId'], message: 'required when provider is atlassian (the Statuspage page id)' });
  }
  if (!env.STATUSPAGE_API_KEY) {
    issues.push({ path: ['env', 'STATUSPAGE_API_KEY'], message: 'required when statuspage.provider is atlassian' });
  }
  const components = isGiven(statuspage.components) ? asRecord(statuspage.components) : {};
  if (!components) return issues; // not a map: its own field error says so
  const names = Object.keys(components);
  (asArray(raw.checks) ?? []).forEach((check, at) => {
    const component = asText(asRecord(check)?.component);
    if (component !== undefined && !names.includes(component)) {
      issues.push({
        path: ['checks', at, 'component'],
        message: `"${component}" is not in statuspage.components (${names.length > 0 ? `known: ${names.join(', ')}` : 'none are listed'})`,
      });
    }
  });
  return issues;
}

/** The promote kinds: the fields each names, and what it is, for messages. */
const PROMOTE_KINDS = [
  { fields: ['dbInstance'], what: 'an RDS read replica' },
  { fields: ['dbCluster'], what: 'a cross-region Aurora read replica cluster' },
  { fields: ['globalCluster', 'targetCluster'], what: 'an Aurora global database' },
  { fields: ['failoverCluster', 'targetInstance'], what: 'an in-region Aurora writer move' },
] as const;

const PROMOTE_CHOICES = PROMOTE_KINDS.map((k) => `${k.fields.join(' + ')} (${k.what})`).join(', ');

/** Which AWS resource a failover promotes (one kind, whole), and whether the runbook does anything. */
function promoteRules(at: string[], runbook: Record<string, unknown>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const promote = isGiven(runbook.promote) ? asRecord(runbook.promote) : undefined;
  // The hooks helper's `hooks` list counts as something to do once it exists.
  if (!isGiven(runbook.promote) && !isGiven(runbook.dns) && !isGiven(runbook.hooks)) {
    issues.push({ path: at, message: `does nothing: give promote (${PROMOTE_CHOICES}) or dns, or both` });
  }
  if (!isGiven(runbook.promote) && isGiven(runbook.backupRetention)) {
    issues.push({
      path: [...at, 'backupRetention'],
      message: 'needs promote: it is set on the promoted instance or cluster, and this runbook promotes nothing',
    });
  }
  if (!promote) return issues; // absent, or not a map: its own field error says so
  const given = PROMOTE_KINDS.filter((k) => k.fields.some((f) => isGiven(promote[f])));
  if (given.length > 1) {
    issues.push({
      path: [...at, 'promote'],
      message: `give one kind of promotion, not ${given.map((k) => k.fields.filter((f) => isGiven(promote[f])).join(' + ')).join(' and ')}`,
    });
  } else if (given.length === 0) {
    issues.push({ path: [...at, 'promote'], message: `required: ${PROMOTE_CHOICES}` });
  } else {
    const [first, second] = given[0]?.fields ?? [];
    if (first !== undefined && second !== undefined && isGiven(promote[first]) !== isGiven(promote[second])) {
      const [missing, present] = isGiven(promote[first]) ? [second, first] : [first, second];
      issues.push({ path: [...at, 'promote', missing], message: `required with ${present}` });
    }
  }
  if (isGiven(runbook.backupRetention) && isGiven(promote.failoverCluster)) {
    issues.push({
      path: [...at, 'backupRetention'],
      message:
        'does not apply to failoverCluster: moving the writer inside one cluster keeps the cluster and its settings, backup retention included (remove backupRetention)',
    });
  }
  return issues;
}

/** Which AWS resource a failover promotes, and the guard's lag check. */
function failoverRules(name: string, runbook: Record<string, unknown>, checks: unknown[]): ConfigIssue[] {
  const at = ['runbooks', 'failover', name];
  const issues: ConfigIssue[] = promoteRules(at, runbook);
  const lagCheck = asText(asRecord(runbook.guard)?.lagCheck);
  if (lagCheck !== undefined) {
    const records = checks.map(asRecord);
    const target = records.find((c) => c?.id === lagCheck);
    const lagChecks = records.filter((c) => c?.type === 'replication-lag').map((c) => asText(c?.id) ?? '?');
    const known = lagChecks.length > 0 ? `replication-lag checks: ${lagChecks.join(', ')}` : 'there are no replication-lag checks';
    if (!target) {
      issues.push({ path: [...at, 'guard', 'lagCheck'], message: `"${lagCheck}" is not a check id (${known})` });
    } else if (target.type !== 'replication-lag') {
      issues.push({
        path: [...at, 'guard', 'lagCheck'],
        message: `"${lagCheck}" is ${/^[aeiouh]/.test(String(target.type)) ? 'an' : 'a'} ${String(asText(target.type))} check; the guard needs a replication-lag check (${known})`,
      });
    }
  }
  return issues;
}

/** A verify step may only name configured checks: an unknown id could never pass. */
function verifyRules(runbook: Record<string, unknown>, at: Array<string | number>, checks: unknown[]): ConfigIssue[] {
  const named = asArray(asRecord(runbook.verify)?.checks);
  if (!named) return []; // absent or malformed: its own field error says so
  const known = checks.map((c) => asText(asRecord(c)?.id)).filter((id): id is string => id !== undefined);
  return named.flatMap((id, index) => {
    const text = asText(id);
    if (text === undefined || known.includes(text)) return [];
    const guess = closestMatch(text, known);
    const list = known.length > 0 ? `known checks: ${known.join(', ')}` : 'no checks are configured';
    return [
      {
        path: [...at, 'verify', 'checks', index],
        message: `"${text}" is not a check id${guess ? ` (did you mean "${guess}"?)` : ''}; ${list}`,
      },
    ];
  });
}

function runbookRules(raw: Record<string, unknown>): ConfigIssue[] {
  const runbooks = section(raw.runbooks) ?? {};
  const checks = asArray(raw.checks) ?? [];
  const failover = Object.entries(asRecord(runbooks.failover) ?? {}).flatMap(([name, runbook]) => {
    const record = asRecord(runbook);
    return record ? [...failoverRules(name, record, checks), ...verifyRules(record, ['runbooks', 'failover', name], checks)] : [];
  });
  const restore = Object.entries(asRecord(runbooks.restore) ?? {}).flatMap(([name, runbook]) => {
    const record = asRecord(runbook);
    const at = ['runbooks', 'restore', name];
    return record ? [...databaseRules(record, at), ...verifyRules(record, at, checks)] : [];
  });
  return [...failover, ...restore];
}

/** A Multi-AZ failover drill's verify names configured checks, as a runbook's does. */
function drillVerifyRules(raw: Record<string, unknown>): ConfigIssue[] {
  const checks = asArray(raw.checks) ?? [];
  return Object.entries(asRecord(raw.drills) ?? {}).flatMap(([name, drill]) => {
    const record = asRecord(drill);
    return record ? verifyRules(record, ['drills', name], checks) : [];
  });
}

/** The demo target and the HTTP server cannot share a port. */
function demoRules(raw: Record<string, unknown>, env: CleanEnv): ConfigIssue[] {
  const demo = raw.demo === null ? {} : asRecord(raw.demo);
  if (!demo) return [];
  const demoPort = isGiven(demo.port) ? asInteger(demo.port) : DEFAULT_DEMO_PORT;
  const envPort = env.LIFEBOAT_PORT !== undefined ? Number(env.LIFEBOAT_PORT) : undefined;
  const filePort = isGiven(asRecord(raw.server)?.port) ? asInteger(asRecord(raw.server)?.port) : DEFAULT_PORT;
  const serverPort = envPort ?? filePort;
  if (demoPort === undefined || demoPort !== serverPort) return [];
  const source = envPort !== undefined ? 'LIFEBOAT_PORT' : 'server.port';
  return [{ path: ['demo', 'port'], message: `${demoPort} is already the server port (${source}); pick another` }];
}

/**
 * Relations between fields, across sections and with the environment, read from the raw YAML.
 * A rule stays silent when a field it reads is malformed: that field's own error is enough.
 */
export function configRules(raw: Record<string, unknown>, env: CleanEnv): ConfigIssue[] {
  return [
    ...envRules(env),
    ...slackRules(section(raw.slack), env),
    ...statuspageRules(raw, env),
    ...checkRules(raw.checks),
    ...runbookRules(raw),
    ...drillRules(raw),
    ...drillRegionRules(raw),
    ...drillVerifyRules(raw),
    ...demoRules(raw, env),
    ...noiseRules(raw),
  ];
}
