import { bareZoneId, normalizeDnsName } from '../aws/route53-gateway.js';
import type { Config, DnsStep } from '../config/types.js';
import type { ActionRequest } from '../core/action-request.js';
import { resourceKey } from './planning-context.js';
import { promoteResources } from './plan-promote.js';
import { multiAzDrillResources } from './plan-multi-az-drill.js';

/** One lock per record a runbook's `dns` writes, keyed as the planners key them. */
function dnsResources(dns: DnsStep[] | undefined): string[] {
  return [...new Set((dns ?? []).map((s) => resourceKey.dnsRecord(bareZoneId(s.hostedZoneId), normalizeDnsName(s.name), s.setIdentifier)))];
}

/**
 * The resources a request would lock, as far as the config tells without asking AWS: the runbook
 * and the existing resources it acts on (a restore's new target is named at planning time and is
 * left out). Always a subset of the plan's `resources`, so a lock found here would refuse the
 * request anyway; checked first, it names the run in the way instead of a pre-flight failure
 * caused by that run (a replica it already promoted is no longer a replica). Empty for an
 * unknown runbook: planning then says what is wrong.
 */
export function requestResources(config: Pick<Config, 'runbooks' | 'drills'>, request: ActionRequest): string[] {
  switch (request.kind) {
    case 'failover': {
      const runbook = Object.hasOwn(config.runbooks.failover, request.runbook) ? config.runbooks.failover[request.runbook] : undefined;
      if (!runbook) return [];
      const { region, promote, dns } = runbook;
      const resources = [resourceKey.runbook('failover', request.runbook)];
      resources.push(...promoteResources(region, promote));
      resources.push(...dnsResources(dns));
      return resources;
    }
    case 'restore': {
      const runbook = Object.hasOwn(config.runbooks.restore, request.runbook) ? config.runbooks.restore[request.runbook] : undefined;
      if (!runbook) return [];
      const resources = [resourceKey.runbook('restore', request.runbook)];
      if (runbook.dbCluster !== undefined) resources.push(resourceKey.cluster(runbook.region, runbook.dbCluster));
      else if (runbook.dbInstance !== undefined) resources.push(resourceKey.instance(runbook.region, runbook.dbInstance));
      resources.push(...dnsResources(runbook.dns));
      return resources;
    }
    case 'statuspage':
      return [resourceKey.statusPageIncident(request.incidentId)];
    case 'drill': {
      const drill = Object.hasOwn(config.drills ?? {}, request.drill) ? config.drills?.[request.drill] : undefined;
      return drill && 'multiAzFailover' in drill ? multiAzDrillResources(request.drill, drill) : [];
    }
    case 'resume':
    case 'revert-dns':
      // The run's own resources, which it may still hold and hands over: the create checks the others.
      return [];
  }
}
