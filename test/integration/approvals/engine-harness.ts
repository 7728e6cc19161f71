import type { Redis } from 'ioredis';
import { ApprovalEngine, type ApprovalChange, type ExecuteHandler } from '../../../src/approvals/approval-engine.js';
import type { ApprovalPolicy } from '../../../src/approvals/approval-rules.js';
import type { ApprovalStore } from '../../../src/approvals/approval-store.js';
import type { Approval } from '../../../src/approvals/approval.js';
import { RedisApprovalStore } from '../../../src/backend/redis/redis-approval-store.js';
import { silentLogger } from '../../../src/observability/logger.js';
import type { Metrics } from '../../../src/observability/metrics.js';
import { afterEach, beforeEach } from 'vitest';
import { ManualClock, MANUAL_CLOCK_START } from '../../doubles/manual-clock.js';
import { newRedisClient } from '../../doubles/test-redis.js';
import { useRedisPrefix } from '../../doubles/redis-prefix.js';

export const APPROVERS = ['U-APP', 'U-APP2', 'U-APP3', 'U-APP4', 'U-APP5', 'U-REQ-APPROVER'];
export const TTL_MS = 15 * 60_000; // 15 minutes

/** One process of the service: its own Redis connection, store and engine over a shared prefix. */
export interface Replica {
  name: string;
  engine: ApprovalEngine;
  store: ApprovalStore;
  changes: ApprovalChange[];
  close(): Promise<void>;
}

/** Every execution any replica started, in order, with the replica that ran it. */
export type ExecutionLog = Array<{ replica: string; approval: Approval }>;

export interface ReplicaOptions {
  clock: ManualClock;
  policy?: Partial<ApprovalPolicy>;
  /** The runner; default: starts and succeeds at once. */
  runner?: ExecuteHandler;
  executions?: ExecutionLog;
  runLeaseMs?: number;
  metrics?: Metrics;
  /** Use this store instead of a new Redis connection (memory-mode tests). */
  store?: ApprovalStore;
}

/** A runner that reports start and success straight away. */
export const instantRunner: ExecuteHandler = async (_approval, control) => {
  await control.started();
  await control.succeeded('done');
};

/** Starts a replica on `keyPrefix` with a connection of its own, as a separate process would have. */
export function startReplica(name: string, keyPrefix: string, options: ReplicaOptions): Replica {
  let redis: Redis | null = null;
  let store = options.store;
  if (!store) {
    redis = newRedisClient();
    store = new RedisApprovalStore({ redis, keyPrefix });
  }
  const engine = new ApprovalEngine({
    store,
    clock: options.clock,
    logger: silentLogger(),
    instanceId: `replica-${name}`,
    policy: { approvers: APPROVERS, requiredApprovals: 1, ttlMs: TTL_MS, ...options.policy },
    ...(options.runLeaseMs ? { runLeaseMs: options.runLeaseMs } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
  });
  const changes: ApprovalChange[] = [];
  engine.onChange((change) => {
    changes.push(change);
  });
  const runner = options.runner ?? instantRunner;
  engine.onExecute(async (approval, control) => {
    options.executions?.push({ replica: name, approval });
    await runner(approval, control);
  });
  return {
    name,
    engine,
    store,
    changes,
    close: async () => {
      await engine.stop();
      await engine.whenIdle();
      await redis?.quit();
    },
  };
}

/** A promise the test resolves by hand, to hold a runner mid-step. */
export function gate(): { wait: Promise<void>; open: () => void } {
  let open = (): void => {};
  const wait = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { wait, open };
}

/** What replicaTestbed gives a test file; `clock` and `executions` are reset before each test. */
export interface ReplicaTestbed {
  clock: ManualClock;
  executions: ExecutionLog;
  /** This test's key prefix: a fresh one per test, under the file's. */
  keyPrefix(): string;
  /** A connection of the file's own, for reading what the replicas wrote. */
  admin(): Redis;
  /** A replica on this test's prefix, sharing the clock and the execution log; closed after the test. */
  replica(name: string, options?: Partial<ReplicaOptions>): Replica;
  /** Another Redis connection, closed after the test. */
  connection(): Redis;
}

/**
 * Registers the hooks every approval-engine test file needs (a fresh prefix, clock and execution
 * log per test; replicas and connections closed after it; the file's keys deleted at the end).
 */
export function replicaTestbed(label: string): ReplicaTestbed {
  const db = useRedisPrefix(label, { perTest: true });
  const clock = new ManualClock();
  const executions: ExecutionLog = [];
  const replicas: Replica[] = [];
  const connections: Redis[] = [];

  beforeEach(() => {
    clock.set(MANUAL_CLOCK_START);
    executions.length = 0;
  });
  afterEach(async () => {
    // allSettled: a test may already have closed a replica to simulate a restart.
    await Promise.allSettled(replicas.splice(0).map((r) => r.close()));
    await Promise.allSettled(connections.splice(0).map((c) => c.quit()));
  });

  return {
    clock,
    executions,
    keyPrefix: () => db.prefix,
    admin: () => db.redis,
    replica(name, options = {}) {
      const started = startReplica(name, db.prefix, { clock, executions, ...options });
      replicas.push(started);
      return started;
    },
    connection() {
      const redis = newRedisClient();
      connections.push(redis);
      return redis;
    },
  };
}
