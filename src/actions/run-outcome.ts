import type { ActionRequest } from '../core/action-request.js';
import type { PreflightResult } from '../core/plan.js';
import type { DnsRecord } from '../core/dns-record.js';

/** JSON-safe facts a step leaves behind (change id, previous DNS record, endpoint, ...). */
export type StepDetail = Record<string, unknown>;

/** How a run ended: `refused` means pre-flight no longer held and nothing was executed. */
export type RunStatus = 'succeeded' | 'failed' | 'refused' | 'interrupted';

/** One planned call as the run saw it. */
export interface StepRecord {
  id: string;
  description: string;
  status: 'done' | 'failed' | 'interrupted' | 'not-run';
  /** Epoch ms. */
  startedAt?: number;
  finishedAt?: number;
  /** What happened, in words ("orders-replica is available"). */
  message?: string;
  detail?: StepDetail;
}

/** Everything recorded about one execution of an approved plan. */
export interface RunOutcome {
  runId: string;
  planId: string;
  action: ActionRequest['kind'];
  /** Runbook name or incident id. */
  subject: string;
  status: RunStatus;
  /** Epoch ms. */
  startedAt: number;
  finishedAt: number;
  /** Measured RTO: start of execution to the end of the last step; null when unknown (interrupted by a crash). */
  elapsedMs: number | null;
  steps: StepRecord[];
  /** Pre-flight as re-run just before execution. */
  preflight?: PreflightResult[];
  /** Failover: replica lag at cut-over, seconds (the data-loss window); null when not measured. */
  dataLossWindowSeconds?: number | null;
  /**
   * Where that lag came from: `cloudwatch`, read right before the first step; `monitor`, the
   * monitor's latest reading, because CloudWatch gave no number then (`dataLossUnreadBecause`).
   */
  dataLossMeasuredBy?: 'cloudwatch' | 'monitor';
  dataLossUnreadBecause?: string;
  /**
   * A run with DNS: what each change of the batch replaced, aligned with its `Changes` (null: there
   * was none), kept for failback (`/dr revert-dns`).
   */
  previousDnsRecords?: Array<DnsRecord | null>;
  /** Restore: `host:port` of the new database. */
  endpoint?: string;
  statusPageUrl?: string;
  /**
   * A succeeded run whose verify step passed: when its last check passed (epoch ms), and the time
   * to recovery from `recoveryFrom` to then. Never set on a run that did not succeed.
   */
  recoveredAt?: number;
  timeToRecoveryMs?: number;
  /** Where the time to recovery counts from: the incident's opening, or the request (the plan's creation). */
  recoveryFrom?: { kind: 'incident'; incidentId: string; at: number } | { kind: 'request'; at: number };
  /** The checks the verify step ran. */
  verifiedBy?: string[];
  error?: { stepId?: string; code: string; message: string };
  /** One paragraph for Slack and the audit log. */
  summary: string;
}

/**
 * A DNS step's `detail.previous` as a list aligned with its changes: runs recorded before lists
 * kept one record (or null) there.
 */
export function previousRecords(previous: unknown): Array<DnsRecord | null> {
  if (Array.isArray(previous)) return previous as Array<DnsRecord | null>;
  return [(previous as DnsRecord | null | undefined) ?? null];
}
