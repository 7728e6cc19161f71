import { AwsGatewayError } from '../aws/aws-gateway-error.js';
import type { PreflightCheck, PreflightResult } from '../core/plan.js';
import { actionAdvice } from './action-error.js';
import type { PreflightContext, PreflightOutcome } from './preflight-context.js';
import { checkGlobalSecondary, checkReadReplica, checkReplicaLag } from './preflight-failover.js';
import { checkDnsRecord } from './preflight-dns.js';
import { checkClusterReader, checkReplicaCluster } from './preflight-promote.js';
import { checkHookToken } from './preflight-hooks.js';
import { checkMultiAzInstance } from './preflight-multi-az.js';
import { checkDnsAsWritten } from './preflight-revert-dns.js';
import { checkIdentifierFree, checkRestoreWindow, checkSnapshot } from './preflight-restore.js';

export type { PreflightContext, PreflightFacts, PreflightOutcome } from './preflight-context.js';

function dispatch(check: PreflightCheck, ctx: PreflightContext): Promise<PreflightOutcome> {
  switch (check.kind) {
    case 'replica-lag':
      return checkReplicaLag(check, ctx);
    case 'read-replica':
      return checkReadReplica(check, ctx);
    case 'global-secondary':
      return checkGlobalSecondary(check, ctx);
    case 'replica-cluster':
      return checkReplicaCluster(check, ctx);
    case 'cluster-reader':
      return checkClusterReader(check, ctx);
    case 'multi-az-instance':
      return checkMultiAzInstance(check, ctx);
    case 'dns-record':
      return checkDnsRecord(check, ctx);
    case 'dns-as-written':
      return checkDnsAsWritten(check, ctx);
    case 'snapshot':
      return checkSnapshot(check, ctx);
    case 'restore-window':
      return checkRestoreWindow(check, ctx);
    case 'identifier-free':
      return checkIdentifierFree(check, ctx);
    case 'hook-token':
      return Promise.resolve(checkHookToken(check, ctx));
  }
}

const NAMES: Record<PreflightCheck['kind'], string> = {
  'replica-lag': 'replica lag',
  'read-replica': 'target state',
  'global-secondary': 'target state',
  'replica-cluster': 'target state',
  'cluster-reader': 'target state',
  'multi-az-instance': 'target state',
  'dns-record': 'DNS record',
  'dns-as-written': 'DNS record',
  snapshot: 'snapshot',
  'restore-window': 'restore window',
  'identifier-free': 'new identifier',
  'hook-token': 'hook token',
};

/** Evaluates one check against live state. Never throws: a failed lookup is a failed check that says why. */
export async function evaluatePreflight(check: PreflightCheck, ctx: PreflightContext): Promise<PreflightOutcome> {
  try {
    return await dispatch(check, ctx);
  } catch (err) {
    const observed =
      err instanceof AwsGatewayError
        ? `could not check: AWS said ${err.code}; ${actionAdvice(err.info, err.code, err.action)}`
        : `could not check: ${err instanceof Error ? err.message : String(err)}`;
    const result: PreflightResult = {
      name: NAMES[check.kind],
      ok: false,
      observed,
      requirement: 'the check can read live state',
      code: 'LIFEBOAT_AWS_ERROR',
      check,
    };
    return { result, facts: {} };
  }
}

/** Evaluates checks concurrently (independent reads), results in the given order. */
export function evaluateAll(checks: PreflightCheck[], ctx: PreflightContext): Promise<PreflightOutcome[]> {
  return Promise.all(checks.map((check) => evaluatePreflight(check, ctx)));
}
