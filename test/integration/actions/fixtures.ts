import { mockClient } from 'aws-sdk-client-mock';
import type { DBCluster, DBInstance } from '@aws-sdk/client-rds';
import type { ResourceRecordSet } from '@aws-sdk/client-route-53';
import { SdkRdsGateway } from '../../../src/aws/rds-gateway-sdk.js';
import { SdkRoute53Gateway } from '../../../src/aws/route53-gateway-sdk.js';
import type { AwsClients } from '../../../src/aws/aws-clients.js';
import { parseConfig } from '../../../src/config/parse-config.js';
import type { Config } from '../../../src/config/types.js';
import type { Incident } from '../../../src/core/incident.js';
import type { Plan } from '../../../src/core/plan.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { Metrics } from '../../../src/observability/metrics.js';
import { ActionPlanner } from '../../../src/actions/action-planner.js';
import { ActionRunner } from '../../../src/actions/action-runner.js';
import type { LagReading, LagSource } from '../../../src/actions/lag-source.js';
import type { ProgressEvent, ProgressReporter } from '../../../src/actions/progress-reporter.js';
import type { JournalRun, JournalStep, RunJournal, RunJournalReader } from '../../../src/actions/run-journal.js';
import type { RunOutcome, StepDetail } from '../../../src/actions/run-outcome.js';
import type { StatusPagePublication } from '../../../src/actions/status-page-publisher.js';
import { ManualClock } from '../../doubles/manual-clock.js';
import { ORDERS_FAILOVER, ORDERS_LAG_CHECK, ORDERS_RESTORE, yamlFlow } from '../../doubles/runbook-fixtures.js';
import { testClients } from '../aws/aws-fixtures.js';

export const ACCOUNT = '123456789012';
export const WEST_CLUSTER_ARN = `arn:aws:rds:us-west-2:${ACCOUNT}:cluster:orders-west`;
export const EAST_CLUSTER_ARN = `arn:aws:rds:us-east-1:${ACCOUNT}:cluster:orders-east`;

/** The runbooks every action test plans against (the SPEC's example, plus Aurora and cluster variants). */
export const CONFIG_YAML = `
statuspage:
  provider: builtin
  components: { api: cmp_1, orders: cmp_2 }
checks:
  - id: api
    type: http
    url: https://api.example.com/health
    every: 15s
    component: api
  - ${yamlFlow(ORDERS_LAG_CHECK)}
runbooks:
  failover:
    orders: ${yamlFlow(ORDERS_FAILOVER)}
    orders-global:
      region: us-west-2
      promote: { globalCluster: orders-global, targetCluster: "${WEST_CLUSTER_ARN}" }
      guard: { lagCheck: orders-lag, maxLag: 300s }
    orders-wrong-region:
      region: us-west-2
      promote: { globalCluster: orders-global, targetCluster: "${EAST_CLUSTER_ARN}" }
    orders-global-kept:
      region: us-west-2
      promote: { globalCluster: orders-global, targetCluster: "${WEST_CLUSTER_ARN}" }
      backupRetention: 7
    orders-west-cluster:
      region: us-west-2
      promote: { dbCluster: orders-west }
    orders-writer:
      region: us-west-2
      promote: { failoverCluster: orders-aurora, targetInstance: orders-aurora-2 }
      guard: { lagCheck: orders-lag, maxLag: 300s }
  restore:
    orders: ${yamlFlow(ORDERS_RESTORE)}
    orders-aurora:
      region: us-east-1
      dbCluster: orders-east
      instanceClass: db.r6g.xlarge
      subnetGroup: prod-db
      securityGroups: [sg-0abc, sg-0def]
`;

/** The parsed test config; throws with the problems if the YAML above stops validating. */
export function testConfig(): Config {
  const result = parseConfig(CONFIG_YAML, {});
  if (!result.ok) throw new Error(`test config invalid:\n${result.errors.join('\n')}`);
  return result.config;
}

/** Records the journal as the approvals side would keep it, plus an ordered trace of every write. */
export class MemoryRunJournal implements RunJournal, RunJournalReader {
  readonly runs = new Map<string, { plan: Plan; startedAt?: number; steps: JournalStep[]; outcome?: RunOutcome }>();
  readonly trace: string[] = [];
  failOn: 'stepStarted' | 'stepDone' | null = null;

  /** What the approvals engine does when it claims an approved plan for execution. */
  begin(runId: string, plan: Plan, startedAt?: number): void {
    this.runs.set(runId, { plan, ...(startedAt !== undefined && { startedAt }), steps: [] });
  }

  async stepStarted(runId: string, stepId: string): Promise<void> {
    if (this.failOn === 'stepStarted') throw new Error('store unreachable');
    this.trace.push(`started:${stepId}`);
    this.run(runId).steps.push({ stepId, done: false });
  }

  async stepDone(runId: string, stepId: string, detail: StepDetail): Promise<void> {
    if (this.failOn === 'stepDone') throw new Error('store unreachable');
    this.trace.push(`done:${stepId}`);
    const step = this.run(runId).steps.find((s) => s.stepId === stepId);
    if (step) Object.assign(step, { done: true, detail });
  }

  async finished(runId: string, outcome: RunOutcome): Promise<void> {
    this.trace.push(`finished:${outcome.status}`);
    this.run(runId).outcome = outcome;
  }

  async unfinishedRuns(): Promise<JournalRun[]> {
    return [...this.runs]
      .filter(([, run]) => !run.outcome)
      .map(([runId, run]) => ({
        runId,
        plan: run.plan,
        ...(run.startedAt !== undefined && { startedAt: run.startedAt }),
        steps: run.steps,
      }));
  }

  private run(runId: string) {
    let run = this.runs.get(runId);
    if (!run) {
      run = { plan: {} as Plan, steps: [] };
      this.runs.set(runId, run);
    }
    return run;
  }
}

/** Keeps every progress event in order. */
export class RecordingReporter implements ProgressReporter {
  readonly events: ProgressEvent[] = [];
  fail = false;

  async report(event: ProgressEvent): Promise<void> {
    this.events.push(event);
    if (this.fail) throw new Error('slack down');
  }

  /** "step-started:promote", "finished:succeeded", ... */
  trace(): string[] {
    return this.events.map((e) => (e.type === 'finished' ? `finished:${e.outcome.status}` : `${e.type}:${e.stepId}`));
  }
}

/** The monitor's latest lag per check, set by the test. */
export class FakeLagSource implements LagSource {
  private readonly readings = new Map<string, LagReading>();

  set(checkId: string, lagSeconds: number | null, at: number): void {
    this.readings.set(checkId, { lagSeconds, at });
  }

  async lagFor(checkId: string): Promise<LagReading | null> {
    return this.readings.get(checkId) ?? null;
  }
}

/** Real SDK clients behind aws-sdk-client-mock, the real gateways, and fresh doubles per test. */
export function harness() {
  const clients = testClients();
  const east = mockClient(clients.rds('us-east-1'));
  const west = mockClient(clients.rds('us-west-2'));
  const r53 = mockClient(clients.route53());
  const rds = new SdkRdsGateway(clients);
  const route53 = new SdkRoute53Gateway((kind) => clients.route53(kind));
  const config = testConfig();

  function doubles() {
    const clock = new ManualClock();
    const sleeps: number[] = [];
    const lag = new FakeLagSource();
    const journal = new MemoryRunJournal();
    const reporter = new RecordingReporter();
    const metrics = new Metrics();
    const actionMetrics = metrics.actions;
    const published: StatusPagePublication[] = [];
    const incidents = new Map<string, Incident>();
    let nextId = 1;
    const live = { rds, route53, lag, clock, newId: () => `plan-${nextId++}` };
    const planner = new ActionPlanner({ ...live, config, incidents: { getIncident: async (id) => incidents.get(id) ?? null } });
    const runner = new ActionRunner({
      rds,
      route53,
      lag,
      clock,
      journal,
      reporter,
      logger: silentLogger(),
      metrics: actionMetrics,
      statusPage: async (publication) => {
        published.push(publication);
        return { url: `https://status.example.com/incidents/${publication.incidentId}` };
      },
      // Tests move the clock instead of sleeping; every wait is recorded.
      sleep: async (ms) => {
        sleeps.push(ms);
        clock.advance(ms);
      },
    });
    return { clock, sleeps, lag, journal, reporter, metrics, actionMetrics, published, incidents, live, planner, runner };
  }

  const h = {
    clients,
    east,
    west,
    r53,
    rds,
    route53,
    config,
    ...doubles(),
    /**
     * Fresh doubles, and every AWS command a test did not mock fails: an unexpected call is a
     * failing test, never a silent undefined.
     */
    reset() {
      const unexpected = () => new Error('unexpected AWS command: not mocked by this test');
      east.reset().onAnyCommand().rejects(unexpected());
      west.reset().onAnyCommand().rejects(unexpected());
      r53.reset().onAnyCommand().rejects(unexpected());
      Object.assign(h, doubles());
    },
  };
  return h;
}

/** A DescribeDBInstances entry. */
export function dbInstance(id: string, status: string, extra: Partial<DBInstance> = {}): DBInstance {
  return { DBInstanceIdentifier: id, DBInstanceStatus: status, Engine: 'postgres', EngineVersion: '16.4', ...extra };
}

/** A DescribeDBClusters entry. */
export function dbCluster(id: string, status: string, extra: Partial<DBCluster> = {}): DBCluster {
  return { DBClusterIdentifier: id, Status: status, Engine: 'aurora-postgresql', EngineVersion: '16.4', ...extra };
}

/** A simple CNAME as ListResourceRecordSets returns it (trailing dot). */
export function cname(name: string, value: string, ttl = 60): ResourceRecordSet {
  return { Name: name, Type: 'CNAME', TTL: ttl, ResourceRecords: [{ Value: value }] };
}

/** Names of every command sent to `mock`, in order ("PromoteReadReplicaCommand", ...). */
export function commandNames(mock: { calls(): Array<{ args: readonly unknown[] }> }): string[] {
  return mock.calls().map((call) => (call.args[0] as { constructor: { name: string } }).constructor.name);
}

/**
 * A planner and runner over the real gateways on `clients` (with nock answering AWS at the HTTP
 * layer, or stubs on the clients), planning from `yaml`: fresh per call, plan ids plan-1, plan-2, ...
 */
export function actionsOver(yaml: string, clients: AwsClients) {
  const parsed = parseConfig(yaml, {});
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  const rds = new SdkRdsGateway(clients);
  const route53 = new SdkRoute53Gateway((kind) => clients.route53(kind));
  const clock = new ManualClock();
  const lag = new FakeLagSource();
  const journal = new MemoryRunJournal();
  let nextId = 1;
  const live = { rds, route53, lag, clock };
  const planner = new ActionPlanner({
    ...live,
    newId: () => `plan-${nextId++}`,
    config: parsed.config,
    incidents: { getIncident: async () => null },
  });
  const runner = new ActionRunner({
    ...live,
    journal,
    reporter: new RecordingReporter(),
    logger: silentLogger(),
    metrics: new Metrics().actions,
    statusPage: async () => ({ url: 'https://status.example.com' }),
    sleep: async (ms) => clock.advance(ms),
  });
  return { planner, runner, journal, config: parsed.config };
}
