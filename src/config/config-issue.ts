/** A location in the config: keys and array indexes from the top, e.g. ['checks', 2, 'every']. */
export type ConfigPath = readonly PropertyKey[];

/** One problem found in a config, before it is rendered as a line. */
export interface ConfigIssue {
  path: ConfigPath;
  message: string;
}

const PLAIN_KEY = /^[A-Za-z0-9_-]+$/;

/**
 * Renders a path the way an SRE reads it: `checks[2].every`, `runbooks.failover.orders.dns.ttl`,
 * `statuspage.components["Public API"]`. The empty path is the file itself: `config`.
 */
export function formatPath(path: ConfigPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else {
      const key = String(segment);
      if (!PLAIN_KEY.test(key)) out += `[${JSON.stringify(key)}]`;
      else out += out === '' ? key : `.${key}`;
    }
  }
  return out === '' ? 'config' : out;
}

/** `path.to.field: what is wrong` */
export function formatIssue(issue: ConfigIssue): string {
  return `${formatPath(issue.path)}: ${issue.message}`;
}
