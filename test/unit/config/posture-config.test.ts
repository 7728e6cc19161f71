import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/parse-config.js';

const SLACK_ENV = { SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: 'secret' };
const SLACK = 'slack: { channel: C0INCIDENTS, approvers: [U0BBB] }\n';
const RUNBOOKS = `runbooks:
  failover:
    orders:
      region: us-west-2
      objectives: { rto: 15m, rpo: 5m }
      promote: { dbInstance: orders-replica }
  restore:
    orders: { region: us-east-1, dbInstance: orders-db, instanceClass: db.r6g.large, objectives: { rto: 1h } }
`;

function errorsOf(yaml: string, env: Record<string, string> = SLACK_ENV): string[] {
  const result = parseConfig(yaml, env);
  return result.ok ? [] : result.errors;
}

describe('objectives and posture config', () => {
  it('reads objectives on failover and restore runbooks (ms) and posture.schedule', () => {
    const result = parseConfig(`${SLACK}${RUNBOOKS}posture: { schedule: "0 9 * * 1" }\n`, SLACK_ENV);
    if (!result.ok) throw new Error(result.errors.join('\n'));
    expect(result.config.runbooks.failover.orders?.objectives).toEqual({ rtoMs: 900_000, rpoMs: 300_000 });
    expect(result.config.runbooks.restore.orders?.objectives).toEqual({ rtoMs: 3_600_000 });
    expect(result.config.posture).toEqual({ schedule: '0 9 * * 1' });
  });

  it('leaves objectives and posture out when absent', () => {
    const result = parseConfig(`${SLACK}runbooks:\n  failover:\n    o: { region: us-west-2, promote: { dbInstance: r } }\n`, SLACK_ENV);
    if (!result.ok) throw new Error(result.errors.join('\n'));
    expect(result.config.runbooks.failover.o?.objectives).toBe(undefined);
    expect(result.config.posture).toBe(undefined);
  });

  it('names the path of a bad objective, an empty one, an unknown key and a bad cron', () => {
    const errors = errorsOf(`${SLACK}runbooks:
  failover:
    a: { region: us-west-2, promote: { dbInstance: r }, objectives: { rto: soon } }
    b: { region: us-west-2, promote: { dbInstance: r }, objectives: {} }
  restore:
    c: { region: us-east-1, dbInstance: d, instanceClass: db.r6g.large, objectives: { rto: 1h, mttr: 5m } }
posture: { schedule: "every monday" }
`);
    expect(errors).toHaveLength(4);
    expect(errors.find((e) => e.startsWith('runbooks.failover.a.objectives.rto:'))).toMatch(/soon/);
    expect(errors.find((e) => e.startsWith('runbooks.failover.b.objectives'))).toMatch(/give rto, rpo or both/);
    expect(errors.find((e) => e.startsWith('runbooks.restore.c.objectives'))).toMatch(/mttr/);
    expect(errors.find((e) => e.startsWith('posture.schedule:'))).toMatch(/cron/);
  });

  it('accepts posture.schedule without Slack (SPEC §3 marks it optional; start-up warns it is not posted)', () => {
    expect(errorsOf('posture: { schedule: "0 9 * * 1" }\n', {})).toEqual([]);
  });
});
