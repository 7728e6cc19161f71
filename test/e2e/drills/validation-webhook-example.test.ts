import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { httpAwsClients } from '../../doubles/aws-http.js';
import { MANUAL_CLOCK_START } from '../../doubles/manual-clock.js';
import { nockRdsForDrills } from '../../doubles/rds-drill-fake.js';
import { nockChatUpdate, nockPostMessage } from '../../doubles/slack-api-nock.js';
import { startServiceFlow, type ServiceFlow } from '../approval-flow/approval-flow-harness.js';

/*
 * examples/validate-restore-webhook.mjs as users run it (its own process), called by a drill
 * started through buildApp with LIFEBOAT_DRILL_<NAME>_TOKEN set: the example checks the token,
 * runs VALIDATE_COMMAND with the restored copy's coordinates, and its verdict is the drill's.
 */

const TOKEN = 'drill-webhook-s3cret';
let tcp: Server;
let tcpPort: number;
let example: ChildProcess | undefined;
let flow: ServiceFlow | undefined;
let ranLog: string;

beforeEach(async () => {
  tcp = createServer((socket) => socket.end());
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
  tcpPort = (tcp.address() as AddressInfo).port;
  ranLog = join(mkdtempSync(join(tmpdir(), 'drill-webhook-')), 'ran.log');
});

afterEach(async () => {
  await flow?.close();
  flow = undefined;
  example?.kill('SIGTERM');
  example = undefined;
  nock.cleanAll();
  await new Promise((resolve) => tcp.close(resolve));
});

/** Starts the example on a free port with `command`; resolves with its URL once it listens. */
async function startExample(command: string, token = TOKEN): Promise<string> {
  const child = spawn(process.execPath, ['examples/validate-restore-webhook.mjs'], {
    env: {
      PATH: process.env.PATH,
      PORT: '0',
      LIFEBOAT_DRILL_TOKEN: token,
      VALIDATE_COMMAND: command,
      ALLOWED_ENDPOINT_SUFFIX: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  example = child;
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the example exited with ${code}`)));
    child.stdout?.setEncoding('utf8').on('data', (line: string) => {
      const listening = /listening on (\{.*\})/.exec(line);
      if (listening?.[1]) resolve((JSON.parse(listening[1]) as { port: number }).port);
    });
  });
  return `http://127.0.0.1:${port}/validate-restore`;
}

async function drillWith(url: string, env: Record<string, string>) {
  flow = await startServiceFlow(
    { drills: { 'orders-restore': { restore: 'orders', keepFor: '0s', validate: { webhook: { url, timeout: '30s' } } } }, env },
    httpAwsClients(),
  );
  nockRdsForDrills(
    { id: 'orders-db', status: 'available', engine: 'postgres', tags: [], latestRestorableTime: new Date(MANUAL_CLOCK_START - 60_000) },
    { endpoint: { address: '127.0.0.1', port: tcpPort } },
  );
  nockPostMessage(20);
  nockChatUpdate(5);
  const started = await flow.app.drills?.service.start('orders-restore', 'U0AAA');
  expect(started).toMatchObject({ ok: true });
  await flow.app.drills?.service.settled();
  const [outcome] = await flow.app.backend.drills.history('orders-restore', 1);
  return outcome;
}

describe('the example validation webhook, called by a drill', () => {
  it('runs the command with the copy coordinates when the token matches: the drill passes', async () => {
    const url = await startExample(`echo "$DRILL $RUN_ID $DB_HOST:$DB_PORT $DB_ENGINE" >> ${ranLog}`);

    const outcome = await drillWith(url, { LIFEBOAT_DRILL_ORDERS_RESTORE_TOKEN: TOKEN });

    expect(outcome).toMatchObject({ result: 'passed' });
    expect(readFileSync(ranLog, 'utf8')).toBe(`orders-restore DRL-1 127.0.0.1:${tcpPort} postgres\n`);
  });

  it("a failing command makes the drill invalid, quoting the command's output", async () => {
    const url = await startExample('echo "0 rows in orders since yesterday" >&2; exit 3');

    const outcome = await drillWith(url, { LIFEBOAT_DRILL_ORDERS_RESTORE_TOKEN: TOKEN });

    expect(outcome).toMatchObject({ result: 'invalid', reason: 'the validation webhook answered 422: 0 rows in orders since yesterday' });
  });

  it('refuses a caller without the token, running nothing', async () => {
    const url = await startExample(`echo ran >> ${ranLog}`);

    const outcome = await drillWith(url, {});

    expect(outcome).toMatchObject({ result: 'invalid', reason: 'the validation webhook answered 401: missing or wrong bearer token' });
    expect(() => readFileSync(ranLog, 'utf8')).toThrow();
  });
});
