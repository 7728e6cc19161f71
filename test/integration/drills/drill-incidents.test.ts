import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Backend } from '../../../src/backend/create-backend.js';
import type { Incident } from '../../../src/core/incident.js';
import { DrillIncidents } from '../../../src/drills/drill-incidents.js';
import type { DrillOutcome, DrillResult } from '../../../src/drills/drill-outcome.js';
import { drillCheckId } from '../../../src/drills/drill-result.js';
import { IncidentEngine } from '../../../src/incidents/incident-engine.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { READINESS_POLICY } from '../../../src/readiness/readiness-result.js';
import type { Lease } from '../../../src/store/store.js';
import { ManualClock, MANUAL_CLOCK_START } from '../../doubles/manual-clock.js';
import { useRedisPrefix } from '../../doubles/redis-prefix.js';
import { testBackend } from '../../doubles/test-backend.js';

/*
 * Drill outcomes become incidents on the monitor leader only, under its lease, on real Redis: an
 * outcome another replica recorded is applied by the leader's poll, each run once (a person's
 * resolve is not undone by the same run), and a process without the lease writes nothing.
 */

const bed = useRedisPrefix('drill-incidents', { perTest: true });
const CHECK = drillCheckId('orders-restore');
let clock: ManualClock;
let backend: Backend;
let current: Lease | null;
let engine: IncidentEngine;
const started: DrillIncidents[] = [];

beforeEach(() => {
  clock = new ManualClock();
  backend = testBackend(bed.redis, bed.prefix, clock);
  current = null;
  engine = new IncidentEngine({
    store: backend.store,
    clock,
    logger: silentLogger(),
    policies: new Map([[CHECK, READINESS_POLICY]]),
    fencing: { mode: 'leader-lease', currentLease: () => current },
  });
});

afterEach(async () => {
  for (const incidents of started.splice(0)) await incidents.stop();
});

function incidents(pollMs = 20): DrillIncidents {
  const made = new DrillIncidents({
    names: ['orders-restore'],
    drills: backend.drills,
    store: backend.store,
    engine,
    severity: 'SEV2',
    logger: silentLogger(),
    pollMs,
  });
  started.push(made);
  return made;
}

function outcome(runId: string, result: DrillResult): DrillOutcome {
  const startedAt = clock.now();
  clock.advance(20 * 60_000);
  return {
    drill: 'orders-restore',
    runId,
    runbook: 'orders',
    region: 'us-east-1',
    source: 'orders-db',
    result,
    startedAt,
    finishedAt: clock.now(),
    cleanup: [],
    ...(result !== 'passed' && { reason: `it was ${result}` }),
    summary: `Drill orders-restore ${result}.`,
  };
}

async function openDrillIncidents(): Promise<Incident[]> {
  return (await backend.store.listOpenIncidents()).filter((i) => i.checkId === CHECK);
}

/** Waits (real time, polls every 20 ms) until `done` holds for the drill's open incidents. */
async function until(done: (open: Incident[]) => boolean): Promise<Incident[]> {
  const deadline = Date.now() + 10_000; // generous: the leader's poll runs late on a busy machine
  for (;;) {
    const open = await openDrillIncidents();
    if (done(open) || Date.now() > deadline) return open;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function lead(holder: string): Promise<Lease> {
  const lease = await backend.store.acquireLease('monitor', holder, 60_000);
  if (!lease) throw new Error(`${holder} did not get the monitor lease`);
  current = lease;
  return lease;
}

describe('DrillIncidents', () => {
  it("applies an outcome another replica recorded on the leader's poll, once per run: a resolve by hand stays", async () => {
    incidents().start(await lead('leader-a'));
    // The replica that ran the drill only records it (it does not lead).
    await backend.drills.record(outcome('DRL-1', 'missed-rto'));
    const [opened] = await until((open) => open.length === 1);
    expect(opened).toMatchObject({ severity: 'SEV2', summary: 'drill orders-restore missed-rto (DRL-1): it was missed-rto' });
    expect(opened?.measurement).toEqual({ kind: 'drill', drill: 'orders-restore', runId: 'DRL-1', result: 'missed-rto' });

    expect((await engine.resolve(opened?.id ?? '', 'U0AAA')).ok).toBe(true);
    // Many polls later, the same run has not reopened it.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await openDrillIncidents()).toEqual([]);

    // The next run that fails opens a new one; the next that passes resolves it.
    await backend.drills.record(outcome('DRL-2', 'failed'));
    const [again] = await until((open) => open.length === 1);
    expect(again?.id).not.toBe(opened?.id);
    await backend.drills.record(outcome('DRL-3', 'passed'));
    expect(await until((open) => open.length === 0)).toEqual([]);
    expect((await backend.store.getIncident(again?.id ?? ''))?.state).toBe('resolved');
  });

  it('writes nothing without the lease; the next term applies what finished meanwhile', async () => {
    const notLeading = incidents();
    await backend.drills.record(outcome('DRL-1', 'invalid'));
    // Never elected: a drill finishing here is left to the leader.
    await notLeading.nudge();
    expect(await openDrillIncidents()).toEqual([]);

    // Elected, then the lease is lost (another holder's term) before the pass: the fence drops it.
    const applier = incidents(60_000);
    const first = await lead('leader-a');
    current = { ...first, token: first.token + 1 };
    applier.start(first);
    await applier.nudge();
    expect(await openDrillIncidents()).toEqual([]);
    await applier.stop();

    // A new term applies it at once.
    await backend.store.releaseLease(first);
    applier.start(await lead('leader-b'));
    const [opened] = await until((open) => open.length === 1);
    expect(opened).toMatchObject({ severity: 'SEV2', measurement: { runId: 'DRL-1', result: 'invalid' } });
    expect(opened?.openedAt).toBeGreaterThanOrEqual(MANUAL_CLOCK_START);
  });
});
