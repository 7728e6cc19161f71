import type { RdsGateway, RdsTag } from '../aws/rds-gateway.js';
import { sendMutation } from '../actions/confirm-mutation.js';
import { clusterDeletedEffect, instanceDeletedEffect } from '../actions/mutation-effects.js';
import { DRILL_TAG } from '../actions/plan-restore.js';
import type { Sleeper } from '../actions/wait-until.js';

/** What a drill may have created: its restored instance, or its cluster and the cluster's writer. */
export interface DrillResources {
  region: string;
  /** Deleted first (a cluster with instances cannot be deleted). */
  instances: string[];
  cluster?: string;
}

/** What a drill's plan creates, known before the restore call is sent: the resources, and the copy's name. */
export type DrillCreated = DrillResources & { target: string };

/** One resource's cleanup: deleted (or deleting), never created, or refused because it was not provably the drill's. */
export interface CleanupStep {
  resource: string;
  kind: 'instance' | 'cluster';
  result: 'deleted' | 'absent' | 'refused' | 'failed';
  message: string;
}

export interface CleanupEnv {
  rds: RdsGateway;
  sleep: Sleeper;
  /** Between reads while the writer goes away before its cluster is deleted. */
  pollMs?: number;
  /** Longest wait for the writer to be gone, ms. */
  writerGoneMs?: number;
}

const POLL_MS = 15_000; // 15 seconds
const WRITER_GONE_MS = 30 * 60_000; // 30 minutes: deleting an instance takes minutes

function tagged(tags: RdsTag[] | undefined, runId: string): boolean {
  return (tags ?? []).some((t) => t.Key === DRILL_TAG && t.Value === runId);
}

function tagWords(tags: RdsTag[] | undefined): string {
  const own = (tags ?? []).find((t) => t.Key === DRILL_TAG);
  return own ? `${DRILL_TAG}=${own.Value}` : `no ${DRILL_TAG} tag`;
}

function failure(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function deleteInstance(env: CleanupEnv, region: string, id: string, runId: string): Promise<CleanupStep> {
  const base = { resource: id, kind: 'instance' as const };
  try {
    // Read back right before the delete: only what carries this run's tag is ever deleted.
    const db = await env.rds.describeDbInstance(region, id);
    if (!db) return { ...base, result: 'absent', message: `${id} does not exist (never created, or already gone)` };
    if (!tagged(db.settings?.tags, runId)) {
      return {
        ...base,
        result: 'refused',
        message: `${id} was not deleted: it carries ${tagWords(db.settings?.tags)}, not ${DRILL_TAG}=${runId}`,
      };
    }
    if (db.status === 'deleting') return { ...base, result: 'deleted', message: `${id} is already deleting` };
    const sent = await sendMutation(
      `Delete ${id}`,
      { sleep: env.sleep },
      () => env.rds.deleteDbInstance(region, { DBInstanceIdentifier: id, SkipFinalSnapshot: true }),
      () => instanceDeletedEffect(env.rds, region, id),
    );
    return { ...base, result: 'deleted', message: sent.kind === 'answered' ? `${id} is deleting` : sent.observed };
  } catch (err) {
    return { ...base, result: 'failed', message: `${id} could not be deleted: ${failure(err)}` };
  }
}

/** DeleteDBCluster fails while the cluster has instances: wait until the writer is gone. */
async function writerGone(env: CleanupEnv, region: string, ids: string[]): Promise<boolean> {
  const pollMs = env.pollMs ?? POLL_MS;
  const rounds = Math.ceil((env.writerGoneMs ?? WRITER_GONE_MS) / pollMs);
  for (let round = 0; round <= rounds; round++) {
    const left = await Promise.all(ids.map((id) => env.rds.describeDbInstance(region, id)));
    if (left.every((db) => db === null)) return true;
    if (round < rounds) await env.sleep(pollMs);
  }
  return false;
}

async function deleteCluster(env: CleanupEnv, region: string, id: string, runId: string, instances: string[]): Promise<CleanupStep> {
  const base = { resource: id, kind: 'cluster' as const };
  try {
    const cluster = await env.rds.describeDbCluster(region, id);
    if (!cluster) return { ...base, result: 'absent', message: `cluster ${id} does not exist (never created, or already gone)` };
    if (!tagged(cluster.settings?.tags, runId)) {
      return {
        ...base,
        result: 'refused',
        message: `cluster ${id} was not deleted: it carries ${tagWords(cluster.settings?.tags)}, not ${DRILL_TAG}=${runId}`,
      };
    }
    if (!(await writerGone(env, region, instances))) {
      return { ...base, result: 'failed', message: `cluster ${id} was not deleted: its instances were still there after waiting` };
    }
    const sent = await sendMutation(
      `Delete cluster ${id}`,
      { sleep: env.sleep },
      () => env.rds.deleteDbCluster(region, { DBClusterIdentifier: id, SkipFinalSnapshot: true }),
      () => clusterDeletedEffect(env.rds, region, id),
    );
    return { ...base, result: 'deleted', message: sent.kind === 'answered' ? `cluster ${id} is deleting` : sent.observed };
  } catch (err) {
    return { ...base, result: 'failed', message: `cluster ${id} could not be deleted: ${failure(err)}` };
  }
}

/**
 * Deletes what a drill created, each resource only after reading back that it carries
 * `lifeboat:drill=<runId>` (SPEC §10: "a delete that cannot be proven safe is refused and
 * reported"). The instances first (the writer), then the cluster once they are gone.
 */
export async function deleteDrillResources(env: CleanupEnv, created: DrillResources, runId: string): Promise<CleanupStep[]> {
  const steps: CleanupStep[] = [];
  for (const id of created.instances) steps.push(await deleteInstance(env, created.region, id, runId));
  if (created.cluster !== undefined) {
    // A refused or failed writer delete leaves the cluster with an instance: its delete would fail.
    const blocked = steps.find((s) => s.result === 'refused' || s.result === 'failed');
    steps.push(
      blocked
        ? {
            resource: created.cluster,
            kind: 'cluster',
            result: 'failed',
            message: `cluster ${created.cluster} was not deleted: ${blocked.message}`,
          }
        : await deleteCluster(env, created.region, created.cluster, runId, created.instances),
    );
  }
  return steps;
}
