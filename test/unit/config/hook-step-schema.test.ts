import { describe, expect, it } from 'vitest';
import { hookTokenVariable } from '../../../src/config/hook-step-schema.js';
import { parseConfig } from '../../../src/config/parse-config.js';

/** A failover runbook `orders` whose hooks are `hooks` (YAML flow), plus a restore runbook with `restoreHooks`. */
function yaml(hooks: string, restoreHooks = '[]'): string {
  return `
runbooks:
  failover:
    orders:
      region: us-west-2
      promote: { dbInstance: orders-replica }
      hooks: ${hooks}
  restore:
    orders:
      region: us-east-1
      dbInstance: orders-db
      instanceClass: db.r6g.large
      hooks: ${restoreHooks}
`;
}

function errorsOf(hooks: string): string[] {
  const result = parseConfig(yaml(hooks), {});
  return result.ok ? [] : result.errors;
}

const AT = 'runbooks.failover.orders.hooks';

describe('hooks in a runbook', () => {
  it('take the SPEC example, with defaults for what is left out', () => {
    const result = parseConfig(
      yaml(
        '[{ name: scale-dr-api, url: "https://ops.example.com/scale", method: POST, body: { replicas: 6 }, expectStatus: [200, 202], timeout: 60s }, { name: flip_flag, url: "http://127.0.0.1:8080/flag" }]',
        '[{ name: warm-cache, url: "https://ops.example.com/warm", method: PUT, body: [1, "two", null, true] }]',
      ),
      {},
    );
    if (!result.ok) throw new Error(result.errors.join('\n'));
    expect(result.config.runbooks.failover.orders?.hooks).toEqual([
      {
        name: 'scale-dr-api',
        url: 'https://ops.example.com/scale',
        method: 'POST',
        body: { replicas: 6 },
        expectStatus: [200, 202],
        timeoutMs: 60_000,
      },
      { name: 'flip_flag', url: 'http://127.0.0.1:8080/flag', method: 'POST', expectStatus: [200, 201, 202, 204], timeoutMs: 30_000 },
    ]);
    expect(result.config.runbooks.restore.orders?.hooks).toEqual([
      {
        name: 'warm-cache',
        url: 'https://ops.example.com/warm',
        method: 'PUT',
        body: [1, 'two', null, true],
        expectStatus: [200, 201, 202, 204],
        timeoutMs: 30_000,
      },
    ]);
  });

  it('read their tokens from LIFEBOAT_HOOK_<NAME>_TOKEN, trimmed; set but empty is kept as empty, unset is absent', () => {
    expect(hookTokenVariable('scale-dr-api')).toBe('LIFEBOAT_HOOK_SCALE_DR_API_TOKEN');
    expect(hookTokenVariable('flip_flag')).toBe('LIFEBOAT_HOOK_FLIP_FLAG_TOKEN');
    const result = parseConfig(
      yaml(
        '[{ name: scale-dr-api, url: "https://a.example.com/" }, { name: flip, url: "https://b.example.com/" }, { name: none, url: "https://c.example.com/" }]',
      ),
      {
        LIFEBOAT_HOOK_SCALE_DR_API_TOKEN: ' s3cret-token\n',
        LIFEBOAT_HOOK_FLIP_TOKEN: '  ',
        LIFEBOAT_HOOK_OTHER_TOKEN: 'not a hook of ours',
      },
    );
    if (!result.ok) throw new Error(result.errors.join('\n'));
    expect(result.config.env.hookTokens).toEqual({ LIFEBOAT_HOOK_SCALE_DR_API_TOKEN: 's3cret-token', LIFEBOAT_HOOK_FLIP_TOKEN: '' });
  });

  const CASES: Array<{ rule: string; hooks: string; lines: string[] }> = [
    {
      rule: 'a name must be lowercase letters, digits, - and _',
      hooks: '[{ name: Scale DR, url: "https://a.example.com/" }]',
      lines: [
        `${AT}[0].name: "Scale DR" is not a valid hook name (lowercase letters, digits, - and _, at most 63, starting with a letter or digit)`,
      ],
    },
    { rule: 'a name is required', hooks: '[{ url: "https://a.example.com/" }]', lines: [`${AT}[0].name: required`] },
    {
      rule: 'names are unique within the runbook',
      hooks: '[{ name: scale, url: "https://a.example.com/" }, { name: scale, url: "https://b.example.com/" }]',
      lines: [`${AT}[1].name: "scale" is used by an earlier hook: names must be unique`],
    },
    {
      rule: 'two names that read the same token variable are refused',
      hooks: '[{ name: scale-dr, url: "https://a.example.com/" }, { name: scale_dr, url: "https://b.example.com/" }]',
      lines: [`${AT}[1].name: "scale_dr" and "scale-dr" would both read LIFEBOAT_HOOK_SCALE_DR_TOKEN: rename one`],
    },
    {
      rule: 'plain http to another host is refused',
      hooks: '[{ name: scale, url: "http://ops.example.com/scale" }]',
      lines: [
        `${AT}[0].url: "http://ops.example.com/scale" is plain http to another host: use https (http is accepted only for localhost, 127.0.0.1 or ::1, so the bearer token never crosses a network in clear)`,
      ],
    },
    {
      rule: 'a URL with a password is refused without showing it',
      hooks: '[{ name: scale, url: "https://ops:hunter2@ops.example.com/scale" }]',
      lines: [
        `${AT}[0].url: must not carry a user or password (the URL is shown to approvers and logged); set the token in LIFEBOAT_HOOK_<NAME>_TOKEN`,
      ],
    },
    {
      rule: 'a URL must be a URL',
      hooks: '[{ name: scale, url: "ops.example.com" }]',
      lines: [`${AT}[0].url: "ops.example.com" is not a URL (e.g. https://ops.example.com/scale)`],
    },
    {
      rule: 'the method is one of five',
      hooks: '[{ name: scale, url: "https://a.example.com/", method: HEAD }]',
      lines: [`${AT}[0].method: "HEAD" is not one of POST, PUT, PATCH, DELETE, GET`],
    },
    {
      rule: 'a GET carries no body',
      hooks: '[{ name: scale, url: "https://a.example.com/", method: GET, body: { a: 1 } }]',
      lines: [`${AT}[0].body: a GET sends no body: remove body, or use POST, PUT, PATCH or DELETE`],
    },
    {
      rule: 'a body too long to show approvers is refused',
      hooks: `[{ name: scale, url: "https://a.example.com/", body: "${'a'.repeat(20_000)}" }]`,
      lines: [`${AT}[0].body: is 20002 characters as JSON; at most 20000, so approvers can read all of it in the approval request`],
    },
    {
      rule: 'expected statuses are HTTP statuses',
      hooks: '[{ name: scale, url: "https://a.example.com/", expectStatus: [200, 700] }]',
      lines: [`${AT}[0].expectStatus[1]: 700 is not an HTTP status code (100-599)`],
    },
    {
      rule: 'expected statuses cannot be empty',
      hooks: '[{ name: scale, url: "https://a.example.com/", expectStatus: [] }]',
      lines: [`${AT}[0].expectStatus: must list at least 1`],
    },
    {
      rule: 'the timeout is at most 15 minutes',
      hooks: '[{ name: scale, url: "https://a.example.com/", timeout: 16m }]',
      lines: [`${AT}[0].timeout: must be between 1s and 15m (a hook that works longer should answer 202 at once)`],
    },
    {
      rule: 'the timeout is a duration',
      hooks: '[{ name: scale, url: "https://a.example.com/", timeout: soon }]',
      lines: [expect.stringMatching(/^runbooks\.failover\.orders\.hooks\[0\]\.timeout: /) as unknown as string],
    },
    {
      rule: 'a token in the file is sent to the environment',
      hooks: '[{ name: scale, url: "https://a.example.com/", token: abc }]',
      lines: [
        `${AT}[0].token: secrets belong in the environment, not in the config file: remove this and set LIFEBOAT_HOOK_<NAME>_TOKEN (the hook name upper-cased, - as _), sent as Authorization: Bearer`,
      ],
    },
    {
      rule: 'an unknown field lists the known ones',
      hooks: '[{ name: scale, url: "https://a.example.com/", retries: 3 }]',
      lines: [`${AT}[0].retries: unknown field (known: name, url, method, body, expectStatus, timeout)`],
    },
  ];

  it.each(CASES)('$rule', ({ hooks, lines }) => {
    expect(errorsOf(hooks)).toEqual(lines);
  });

  it('accept plain http to localhost and ::1 only', () => {
    expect(errorsOf('[{ name: a, url: "http://localhost:9000/" }, { name: b, url: "http://[::1]:9000/" }]')).toEqual([]);
    expect(errorsOf('[{ name: a, url: "http://10.0.0.1/" }]')).toHaveLength(1);
  });
});
