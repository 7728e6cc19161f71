import { ListResourceRecordSetsCommand, type ListResourceRecordSetsCommandInput, type Route53Client } from '@aws-sdk/client-route-53';
import { gatewayCall } from '../aws/aws-gateway-error.js';
import { SdkRoute53Gateway, recordView } from '../aws/route53-gateway-sdk.js';
import { bareZoneId, normalizeDnsName, type ChangeView, type Route53Gateway } from '../aws/route53-gateway.js';
import type { DnsRecord } from '../core/dns-record.js';

/** ListResourceRecordSets' largest page ("MaxItems ... If you specify a value greater than 300, Route 53 returns only the first 300"). */
const ZONE_PAGE_SIZE = 300;
/** A zone listing stops here (90,000 record sets) rather than loop on a broken endpoint. */
const MAX_ZONE_PAGES = 300;

/**
 * The Route 53 reads of one readiness cycle. Names asked for in the same turn are grouped per
 * zone: one name is read on its own (as a request does), several are answered from one listing
 * of the zone (ceil(record sets / 300) calls); answers are memoised for the cycle. Changes refuse.
 */
export class BatchedRoute53Reads implements Route53Gateway {
  private readonly single: SdkRoute53Gateway;
  private readonly answers = new Map<string, Promise<DnsRecord[]>>();
  private flushing = false;
  private queued = new Map<string, Map<string, { resolve: (records: DnsRecord[]) => void; reject: (err: unknown) => void }>>();

  constructor(private readonly client: () => Route53Client) {
    this.single = new SdkRoute53Gateway(client);
  }

  recordsNamed(hostedZoneId: string, name: string): Promise<DnsRecord[]> {
    const zone = bareZoneId(hostedZoneId);
    const wanted = normalizeDnsName(name);
    const key = `${zone} ${wanted}`;
    const known = this.answers.get(key);
    if (known) return known;
    const answer = new Promise<DnsRecord[]>((resolve, reject) => {
      const names = this.queued.get(zone) ?? new Map();
      names.set(wanted, { resolve, reject });
      this.queued.set(zone, names);
    });
    this.answers.set(key, answer);
    if (!this.flushing) {
      this.flushing = true;
      setImmediate(() => void this.flush());
    }
    return answer;
  }

  changeRecordSets(): Promise<ChangeView> {
    return Promise.reject(new Error('readiness is read-only: ChangeResourceRecordSets is never called during an evaluation'));
  }

  getChange(): Promise<ChangeView> {
    return Promise.reject(new Error('readiness is read-only: GetChange is never called during an evaluation'));
  }

  private async flush(): Promise<void> {
    const batch = this.queued;
    this.queued = new Map();
    this.flushing = false;
    await Promise.all(
      [...batch].map(async ([zone, names]) => {
        try {
          const only = names.size === 1 ? [...names][0] : undefined;
          if (only) {
            only[1].resolve(await this.single.recordsNamed(zone, only[0]));
            return;
          }
          const byName = await this.listZone(zone);
          for (const [name, waiter] of names) waiter.resolve(byName.get(name) ?? []);
        } catch (err) {
          for (const waiter of names.values()) waiter.reject(err);
        }
      }),
    );
  }

  private listZone(zone: string): Promise<Map<string, DnsRecord[]>> {
    return gatewayCall('route53:ListResourceRecordSets', undefined, async () => {
      const byName = new Map<string, DnsRecord[]>();
      let input: ListResourceRecordSetsCommandInput = { HostedZoneId: zone, MaxItems: ZONE_PAGE_SIZE };
      for (let page = 0; page < MAX_ZONE_PAGES; page += 1) {
        const out = await this.client().send(new ListResourceRecordSetsCommand(input));
        for (const record of out.ResourceRecordSets ?? []) {
          const view = recordView(record);
          byName.set(view.name, [...(byName.get(view.name) ?? []), view]);
        }
        if (!out.IsTruncated || !out.NextRecordName) return byName;
        input = {
          ...input,
          StartRecordName: out.NextRecordName,
          ...(out.NextRecordType && { StartRecordType: out.NextRecordType }),
          ...(out.NextRecordIdentifier && { StartRecordIdentifier: out.NextRecordIdentifier }),
        };
      }
      throw new Error(`hosted zone ${zone} has more than ${MAX_ZONE_PAGES * ZONE_PAGE_SIZE} record sets`);
    });
  }
}
