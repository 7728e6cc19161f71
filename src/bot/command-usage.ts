/** Every `/dr` subcommand, in the order `help` lists them. */
export const SUBCOMMANDS = [
  'help',
  'status',
  'incidents',
  'declare',
  'ack',
  'resolve',
  'page',
  'timeline',
  'failover',
  'restore',
  'resume',
  'revert-dns',
  'statuspage',
  'approvals',
  'readiness',
  'drill',
  'drills',
  'silence',
  'silences',
  'unsilence',
  'audit',
] as const;
export type Subcommand = (typeof SUBCOMMANDS)[number];

/** Subcommands anyone in the workspace may run; everything else needs `slack.operators`. */
export const READ_ONLY_SUBCOMMANDS: ReadonlySet<Subcommand> = new Set(['help', 'status', 'incidents', 'readiness', 'drills', 'silences']);

/**
 * "`help`, `status`, … and `silences`": READ_ONLY_SUBCOMMANDS in help order, for the sentences
 * that tell people what they may run, so those sentences cannot drift from the permission check.
 */
export const READ_ONLY_SUBCOMMAND_LIST: string = (() => {
  const names = SUBCOMMANDS.filter((s) => READ_ONLY_SUBCOMMANDS.has(s)).map((s) => `\`${s}\``);
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names.join('');
})();

const ARGUMENTS: Record<Subcommand, string> = {
  help: '',
  status: '',
  incidents: '',
  declare: ' <SEV1-4> <title>',
  ack: ' <incident>',
  resolve: ' <incident> [note]',
  page: ' <incident>',
  timeline: ' <incident>',
  failover: ' <runbook> [--dry-run] [--allow-data-loss]',
  restore: ' <runbook> (--snapshot <id> | --time <ISO-8601> | --latest) [--dry-run]',
  resume: ' <APR-n> [--dry-run]',
  'revert-dns': ' <APR-n> [--dry-run]',
  statuspage: ' <incident> <investigating|identified|monitoring|resolved> <message>',
  approvals: '',
  readiness: '',
  drill: ' <drill> [--dry-run]',
  drills: '',
  silence: ' <check> <duration> <reason>',
  silences: '',
  unsilence: ' <check>',
  audit: ' [count]',
};

const DESCRIPTIONS: Record<Subcommand, string> = {
  help: 'this list',
  status: 'DR posture: databases, runbooks against their objectives, drills, checks, lag, backups, incidents, approvals',
  incidents: 'open and recent incidents',
  declare: 'open an incident by hand (posted, paged and timed like any other; resolved only by hand)',
  ack: 'acknowledge an incident',
  resolve: 'resolve an incident by hand, with an optional note',
  page: 'page on-call now',
  timeline: "the incident's postmortem timeline as Markdown (uploaded to its thread when long)",
  failover: 'request a failover (two-person approval)',
  restore: 'request a restore (two-person approval)',
  resume: 'finish a failed or interrupted run from its first unfinished step (two-person approval)',
  'revert-dns': 'put back the DNS records a run replaced (two-person approval)',
  statuspage: 'request a status page post (two-person approval)',
  approvals: 'pending requests',
  readiness: "every runbook's pre-flight, evaluated now, read-only: ready, or why not",
  drill: 'run a restore drill now (a temporary tagged copy, checked, deleted), or request a Multi-AZ failover drill (two-person approval)',
  drills: 'drills, their schedules and last results',
  silence: "mute a check's paging and new Slack posts for up to 7d (e.g. 2h), with the reason",
  silences: 'silences and maintenance windows in force or to come',
  unsilence: "end a check's silence or maintenance window now",
  audit: 'the newest audit entries (20 unless a count up to 100 is given)',
};

/** `Usage: /dr ack <incident>` for one subcommand. */
export function usageLine(command: string, subcommand: Subcommand): string {
  return `Usage: \`${command} ${subcommand}${ARGUMENTS[subcommand]}\``;
}

/** The usage line when no subcommand could be recognised. */
export function generalUsage(command: string): string {
  return `Usage: \`${command} <${SUBCOMMANDS.join('|')}> …\` (\`${command} help\` explains each)`;
}

/** One line per subcommand with what it does, for `/dr help`. */
export function helpLines(command: string): string[] {
  return SUBCOMMANDS.map((s) => `\`${command} ${s}${ARGUMENTS[s]}\` — ${DESCRIPTIONS[s]}`);
}
