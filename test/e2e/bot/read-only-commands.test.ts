import { expect, it } from 'vitest';
import type { App } from '../../../src/app.js';
import { useGuardedApp } from '../../doubles/guarded-app.js';
import { ManualClock } from '../../doubles/manual-clock.js';
import { useRedisPrefix } from '../../doubles/redis-prefix.js';
import { slashCommand, slashCommandAck } from '../../doubles/slash-command.js';
import { startSlackApp } from '../../doubles/slack-app.js';

/*
 * What a non-operator may run, through the wiring users run (buildApp, signed slash commands): the
 * refusal names the read-only subcommands, and each one it names is answered, not refused. A
 * deployment with no runbooks and no drills answers readiness and drills with how to add one.
 */
const guarded = useGuardedApp();
const redis = useRedisPrefix('read-only-commands-e2e', { perTest: true });

const YAML = `
slack:
  channel: C0INCIDENTS
  command: /dr
  operators: [U0AAA]
  approvers: [U0BBB]
checks:
  - id: api
    type: http
    url: https://api.example.com/health
    schedule: "0 0 1 1 *"
`;

async function start(): Promise<{ app: App; clock: ManualClock }> {
  const clock = new ManualClock();
  const app = await startSlackApp({ yaml: YAML, redis, clock, guarded });
  return { app, clock };
}

const REFUSAL_LIST = /Anyone can use (.+); ask an operator/;

/** The subcommands a refusal sentence names: "`a`, `b` and `c`" → [a, b, c]. */
function named(refusal: string): string[] {
  const list = REFUSAL_LIST.exec(refusal)?.[1] ?? '';
  return [...list.matchAll(/`([a-z-]+)`/g)].map((m) => m[1] as string);
}

it("a non-operator's refusal names every read-only subcommand, and each one it names answers that non-operator", async () => {
  const { app, clock } = await start();
  const refused = await slashCommand(app, clock, 'ack INC-1', 'U0ZZZ');
  expect(refused.text).toBe(
    'Only Lifeboat operators can run `/dr ack`. Anyone can use `help`, `status`, `incidents`, `readiness`, `drills` and `silences`; ask an operator (slack.operators) to do this.\nUsage: `/dr ack <incident>`',
  );
  const names = named(refused.text);
  expect(names).toEqual(['help', 'status', 'incidents', 'readiness', 'drills', 'silences']);

  // help answers in the ack itself; the others after it, on the response_url.
  const help = await slashCommandAck(app, clock, 'help', 'U0ZZZ');
  expect(help.text).toContain('Anyone can run `help`, `status`, `incidents`, `readiness`, `drills` and `silences`;');
  for (const name of names.filter((n) => n !== 'help')) {
    const answer = await slashCommand(app, clock, name, 'U0ZZZ');
    expect(answer.text, `/dr ${name}`).not.toMatch(/^Only Lifeboat operators|^Slack could not confirm/);
  }
  // An acting subcommand stays refused, with the same list.
  const silence = await slashCommand(app, clock, 'silence api 2h deploy', 'U0ZZZ');
  expect(named(silence.text)).toEqual(names);
});

it('with no runbooks and no drills configured, readiness and drills say so and how to add one', async () => {
  const { app, clock } = await start();
  const drills = await slashCommand(app, clock, 'drills', 'U0ZZZ');
  const noDrills = 'No drills are configured. Add one under `drills:` in the config (README, "Restore drills"), then restart Lifeboat.';
  expect(drills.text).toBe(noDrills);
  expect(drills.blocks?.map((b) => b.text?.text)).toEqual([`*Drills*\n${noDrills}`]);

  const readiness = await slashCommand(app, clock, 'readiness', 'U0ZZZ');
  const noRunbooks =
    'No failover or restore runbooks are configured. Add one under `runbooks.failover` or `runbooks.restore` in the config (README, "Configuration"), then restart Lifeboat.';
  expect(readiness.text).toBe(noRunbooks);
  expect(JSON.stringify(readiness.blocks)).toContain(JSON.stringify(noRunbooks).slice(1, -1));

  // `/dr drill <name>` is refused in the ack with the same pointer.
  const drill = await slashCommandAck(app, clock, 'drill nightly', 'U0AAA');
  expect(drill.text).toBe(
    'There is no drill `nightly`; no drills are configured (add one under `drills:` in the config).\nUsage: `/dr drill <drill> [--dry-run]`',
  );
});
