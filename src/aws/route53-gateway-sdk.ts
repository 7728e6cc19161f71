import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  ListResourceRecordSetsCommand,
  type ListResourceRecordSetsCommandInput,
  type ResourceRecordSet,
  type Route53Client,
} from '@aws-sdk/client-route-53';
import type { CallKind } from './aws-clients.js';
import type { DnsRecord } from '../core/dns-record.js';
import { gatewayCall } from './aws-gateway-error.js';
import {
  bareChangeId,
  bareZoneId,
  normalizeDnsName,
  type ChangeRecordSetsInput,
  type ChangeView,
  type Route53Gateway,
} from './route53-gateway.js';

/** Record sets per ListResourceRecordSets page; one name rarely has more (weighted sets aside). */
const PAGE_SIZE = 20;
/** Guard against a pagination that never ends (a broken endpoint or emulator). */
const MAX_PAGES = 10;

export function recordView(r: ResourceRecordSet): DnsRecord {
  return {
    name: normalizeDnsName(r.Name ?? ''),
    type: r.Type ?? 'unknown',
    ...(r.TTL !== undefined && { ttl: r.TTL }),
    values: (r.ResourceRecords ?? []).flatMap((v) => (v.Value !== undefined ? [v.Value] : [])),
    ...(r.AliasTarget && {
      aliasTarget: {
        hostedZoneId: r.AliasTarget.HostedZoneId ?? '',
        dnsName: r.AliasTarget.DNSName ?? '',
        evaluateTargetHealth: r.AliasTarget.EvaluateTargetHealth === true,
      },
    }),
    ...(r.SetIdentifier && { setIdentifier: r.SetIdentifier }),
    ...(r.Weight !== undefined && { weight: r.Weight }),
    ...(r.Failover && { failover: r.Failover }),
    ...(r.HealthCheckId && { healthCheckId: r.HealthCheckId }),
  };
}

/** `Route53Gateway` over the SDK v3 Route 53 client (global service). Failures are `AwsGatewayError`s. */
export class SdkRoute53Gateway implements Route53Gateway {
  constructor(private readonly client: (kind?: CallKind) => Route53Client) {}

  recordsNamed(hostedZoneId: string, name: string): Promise<DnsRecord[]> {
    const wanted = normalizeDnsName(name);
    return gatewayCall('route53:ListResourceRecordSets', undefined, async () => {
      const found: DnsRecord[] = [];
      // "If you specify Name but not Type: the results begin with the first resource record set
      // in the list whose name is greater than or equal to Name" (ListResourceRecordSets), so we
      // read from `name` and stop at the first record with another name.
      let input: ListResourceRecordSetsCommandInput = {
        HostedZoneId: bareZoneId(hostedZoneId),
        StartRecordName: wanted,
        MaxItems: PAGE_SIZE,
      };
      for (let page = 0; page < MAX_PAGES; page += 1) {
        const out = await this.client().send(new ListResourceRecordSetsCommand(input));
        for (const record of out.ResourceRecordSets ?? []) {
          const view = recordView(record);
          if (view.name !== wanted) return found;
          found.push(view);
        }
        if (!out.IsTruncated || !out.NextRecordName || normalizeDnsName(out.NextRecordName) !== wanted) return found;
        input = {
          ...input,
          StartRecordName: out.NextRecordName,
          ...(out.NextRecordType && { StartRecordType: out.NextRecordType }),
          ...(out.NextRecordIdentifier && { StartRecordIdentifier: out.NextRecordIdentifier }),
        };
      }
      return found;
    });
  }

  changeRecordSets(input: ChangeRecordSetsInput): Promise<ChangeView> {
    return gatewayCall('route53:ChangeResourceRecordSets', undefined, async () => {
      const out = await this.client('mutate').send(
        new ChangeResourceRecordSetsCommand({ ...input, HostedZoneId: bareZoneId(input.HostedZoneId) }),
      );
      return { changeId: bareChangeId(out.ChangeInfo?.Id ?? ''), status: out.ChangeInfo?.Status ?? 'PENDING' };
    });
  }

  getChange(changeId: string): Promise<ChangeView> {
    return gatewayCall('route53:GetChange', undefined, async () => {
      // Id: "the value that ChangeResourceRecordSets returned in the Id element" (GetChange); bare id.
      const out = await this.client().send(new GetChangeCommand({ Id: bareChangeId(changeId) }));
      return { changeId: bareChangeId(out.ChangeInfo?.Id ?? changeId), status: out.ChangeInfo?.Status ?? 'PENDING' };
    });
  }
}
