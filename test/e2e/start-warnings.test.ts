import cron from 'node-cron';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/app.js';
import { parseConfig } from '../../src/config/parse-config.js';
import { createLogger } from '../../src/observability/logger.js';
import { NO_PROBES } from '../doubles/no-probes.js';
import { testBackend } from '../doubles/test-backend.js';
import { untilLeader } from '../doubles/until-leader.js';

/*
 * Settings SPEC §2 and §3 accept that still deserve a word at start, through `buildApp` in local
 * mode (in-memory store, Slack off) with a real pino logger writing JSON lines into an array:
 * a short LIFEBOAT_API_TOKEN, and posture.schedule with nobody to post it to.
 */

interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

const WARN = 40;
const running: App[] = [];
afterEach(async () => {
  await Promise.allSettled(running.splice(0).map((app) => app.stop()));
});

async function start(yaml: string, env: Record<string, string>): Promise<{ app: App; logs: LogLine[] }> {
  const parsed = parseConfig(yaml, env);
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  const logs: LogLine[] = [];
  // No secrets given to the logger: what is asserted absent is absent because nothing logged it.
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void logs.push(JSON.parse(line)) } });
  const app = buildApp({ config: parsed.config, logger, backend: testBackend(null), probes: NO_PROBES });
  running.push(app);
  await app.start(0, '127.0.0.1');
  return { app, logs };
}

function timeline(app: App, token: string) {
  return app.server.inject({ method: 'GET', url: '/incidents/INC-1/timeline.md', headers: { authorization: `Bearer ${token}` } });
}

describe('a short LIFEBOAT_API_TOKEN', () => {
  const SHORT = 'hunter2-ops';

  it('is accepted: the timeline route answers its bearer, and a warning says why it is weak and how to make one, without the token', async () => {
    const { app, logs } = await start('checks: []\n', { LIFEBOAT_API_TOKEN: SHORT });
    expect((await timeline(app, SHORT)).statusCode).toBe(404); // past the bearer check: there is no INC-1
    expect((await timeline(app, `${SHORT}x`)).statusCode).toBe(401);

    const warnings = logs.filter((l) => l.level === WARN && l.msg.includes('LIFEBOAT_API_TOKEN'));
    expect(warnings).toEqual([
      expect.objectContaining({
        tokenChars: SHORT.length,
        minChars: 24,
        msg: expect.stringMatching(/shorter than 24 characters: a short token can be guessed.*openssl rand -hex 32/),
      }),
    ]);
    expect(JSON.stringify(logs)).not.toContain(SHORT);
  });

  it('draws no warning at 24 characters or more', async () => {
    const { app, logs } = await start('checks: []\n', { LIFEBOAT_API_TOKEN: 'a'.repeat(24) });
    expect((await timeline(app, 'a'.repeat(24))).statusCode).toBe(404);
    expect(logs.filter((l) => l.msg.includes('LIFEBOAT_API_TOKEN'))).toEqual([]);
  });
});

describe('posture.schedule with Slack off', () => {
  it('starts, warns once that the scheduled report will not be posted, and schedules nothing', async () => {
    const { app, logs } = await start('posture: { schedule: "* * * * * *" }\n', {});
    await untilLeader(app);
    expect(logs.filter((l) => l.level === WARN && l.msg.includes('posture.schedule'))).toEqual([
      expect.objectContaining({
        schedule: '* * * * * *',
        msg: expect.stringMatching(/^posture\.schedule is set but Slack is off .*will not be posted, and is not scheduled/),
      }),
    ]);
    expect(app.slack).toBeNull();
    expect([...cron.getTasks().values()].filter((task) => task.name === 'posture-report')).toEqual([]);
  });

  it('says nothing when posture.schedule is not set', async () => {
    const { app, logs } = await start('checks: []\n', {});
    await untilLeader(app);
    expect(logs.filter((l) => l.msg.includes('posture'))).toEqual([]);
  });
});
