import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'lifeboat-cli-'));

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI from source the way `npx lifeboat` runs it from dist. */
function lifeboat(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const finished = new Promise<Finished>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, finished, output: () => stdout };
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const BAD = `checks:
  - id: api
    type: http
    url: not a url
    every: 15x
`;

describe('lifeboat CLI', () => {
  it('check-config exits 0 on the examples', async () => {
    // production.yaml posts to Atlassian Statuspage and the posture report to Slack: their keys come from the environment.
    const production = { STATUSPAGE_API_KEY: 'sp-test-key', SLACK_BOT_TOKEN: 'xoxb-1-2', SLACK_SIGNING_SECRET: 'secret' };
    for (const [example, env] of [
      ['examples/lifeboat.yaml', {}],
      ['examples/production.yaml', production],
    ] as const) {
      const { code, stdout } = await lifeboat(['check-config', '--config', example], env).finished;
      expect(code, stdout).toBe(0);
      expect(stdout).toContain('valid');
    }
  });

  it('check-config exits 0 on the SPEC §3 example with no credentials at all, and on a check with a short every alone', async () => {
    // The Multi-AZ drill without region, posture.schedule without Slack: valid as the SPEC shows them.
    const spec = await lifeboat(['check-config', '--config', 'test/unit/config/fixtures/spec-example.yaml']).finished;
    expect(spec.code, spec.stderr).toBe(0);
    const short = file('short-every.yaml', 'checks:\n  - { id: api, type: http, url: "https://api.example.com/health", every: 2s }\n');
    const quick = await lifeboat(['check-config', '--config', short]).finished;
    expect(quick.code, quick.stderr).toBe(0);
  });

  it('check-config exits 1 with one path: message line per problem', async () => {
    const { code, stderr } = await lifeboat(['check-config', '--config', file('bad.yaml', BAD)]).finished;
    expect(code).toBe(1);
    const lines = stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^checks\[0\]\.url: .+$/);
    expect(lines[1]).toMatch(/^checks\[0\]\.every: .+$/);
  });

  it('check-config names each wrong hook field of a runbook, and never the token put in the file', async () => {
    const yaml = `runbooks:
  failover:
    orders:
      region: us-west-2
      promote: { dbInstance: orders-replica }
      hooks:
        - { name: scale, url: "http://ops.example.com/scale", method: GET, body: { replicas: 6 }, timeout: 20m }
        - { name: flag, url: "https://ops.example.com/flag", token: "s3cret-in-the-file" }
`;
    const { code, stderr } = await lifeboat(['check-config', '--config', file('bad-hook.yaml', yaml)]).finished;
    expect(code).toBe(1);
    expect(stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(
        /^runbooks\.failover\.orders\.hooks\[0\]\.url: "http:\/\/ops\.example\.com\/scale" is plain http to another host: use https/,
      ),
      'runbooks.failover.orders.hooks[0].body: a GET sends no body: remove body, or use POST, PUT, PATCH or DELETE',
      'runbooks.failover.orders.hooks[0].timeout: must be between 1s and 15m (a hook that works longer should answer 202 at once)',
      expect.stringMatching(
        /^runbooks\.failover\.orders\.hooks\[1\]\.token: secrets belong in the environment, not in the config file: remove this and set LIFEBOAT_HOOK_<NAME>_TOKEN/,
      ),
    ]);
    expect(stderr).not.toContain('s3cret-in-the-file');
  });

  it('schema prints the config JSON Schema that deploy/lifeboat.schema.json holds', async () => {
    const { code, stdout } = await lifeboat(['schema']).finished;
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual(JSON.parse(readFileSync(join(ROOT, 'deploy/lifeboat.schema.json'), 'utf8')));
  });

  it('takes the config from LIFEBOAT_CONFIG when --config is absent', async () => {
    const { code, stderr } = await lifeboat(['check-config'], { LIFEBOAT_CONFIG: file('env-bad.yaml', BAD) }).finished;
    expect(code).toBe(1);
    expect(stderr).toContain('checks[0].url');
  });

  it('start refuses an invalid config before opening any port', async () => {
    const port = await freePort();
    const { code, stderr } = await lifeboat(['start', '--config', file('bad2.yaml', `server: { port: ${port} }\n${BAD}`)]).finished;
    expect(code).toBe(1);
    expect(stderr).toContain('checks[0].every');
    // It never got as far as listening.
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });

  it('start serves /healthz and exits 0 on SIGTERM within 10 s', async () => {
    const port = await freePort();
    const config = file(
      'ok.yaml',
      `server: { port: ${port} }
checks:
  - id: local
    type: http
    url: http://127.0.0.1:${port}/healthz
    every: 1s
    timeout: 500ms
`,
    );
    const run = lifeboat(['start', '--config', config]);
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok, 15_000);
    const stoppedAt = Date.now();
    run.child.kill('SIGTERM');
    const { code, stdout } = await run.finished;
    expect(code).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);
    expect(stdout).toContain('"msg":"stopped"');
  }, 60_000); // a 15 s start-up wait and a 10 s stop budget: more than the 20 s default

  it('start with no Slack, PagerDuty or Redis says it is in LOCAL MODE, warns that REDIS_URL is unset, and prints URLs that answer', async () => {
    // The quick-start config itself, on free ports (its demo target's 3099 may be taken here).
    const [port, demoPort] = [await freePort(), await freePort()];
    const example = readFileSync(join(ROOT, 'examples/lifeboat.yaml'), 'utf8');
    const config = file('local.yaml', example.replace('port: 3000', `port: ${port}`).replaceAll('3099', String(demoPort)));
    const run = lifeboat(['start', '--config', config]);
    await waitFor(async () => run.output().includes('lifeboat is up'), 15_000);
    const base = `http://localhost:${port}`;
    const urls = [`${base}/status`, `${base}/metrics`, `${base}/readyz`, `${base}/healthz`];
    for (const url of urls) expect((await fetch(url.replace('localhost', '127.0.0.1'))).status, url).toBe(200);
    run.child.kill('SIGTERM');
    const { code, stdout } = await run.finished;
    expect(code).toBe(0);

    // One JSON object per line (stdout is not a terminal): the fields are asserted, not the layout.
    const lines = stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { level: number; msg: string; [field: string]: unknown });
    const at = (msg: string | RegExp) => lines.findIndex((l) => (typeof msg === 'string' ? l.msg === msg : msg.test(l.msg)));
    const starting = at('starting in LOCAL MODE: in-memory store, Slack and PagerDuty off');
    expect(lines[starting]).toMatchObject({
      level: 30,
      config,
      store: 'memory (single replica, lost on restart)',
      slack: 'off (no SLACK_BOT_TOKEN)',
      pagerduty: 'off (no PAGERDUTY_ROUTING_KEY)',
      statuspage: 'builtin',
    });
    const warned = at(/^REDIS_URL is not set: using the in-memory store\. It is for a single replica only/);
    expect(lines[warned]).toMatchObject({ level: 40, store: 'memory' });
    expect(lines[warned]?.msg).toContain('Set REDIS_URL (e.g. redis://127.0.0.1:6379)');
    const up = at(`lifeboat is up: open ${urls.join(' ')}`);
    expect(lines[up]).toMatchObject({ level: 30, urls });
    expect([starting, warned, up].every((i) => i >= 0)).toBe(true);
    expect(starting).toBeLessThan(warned);
    expect(warned).toBeLessThan(up);
  });

  it('start writes readable lines with LOG_FORMAT=pretty and refuses an unknown LOG_FORMAT', async () => {
    const port = await freePort();
    const config = file('pretty.yaml', `server: { port: ${port} }\n`);
    const run = lifeboat(['start', '--config', config], { LOG_FORMAT: 'pretty' });
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok, 15_000);
    run.child.kill('SIGTERM');
    const { code, stdout } = await run.finished;
    expect(code).toBe(0);
    expect(stdout).toMatch(/INFO.*stopped/);
    expect(stdout).not.toContain('"msg"');

    const refused = await lifeboat(['check-config', '--config', config], { LOG_FORMAT: 'fancy' }).finished;
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^env.LOG_FORMAT: "fancy" is not one of json, pretty$/m);
  }, 60_000);
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await condition()) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
