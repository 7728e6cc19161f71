import { describe, expect, it } from 'vitest';
import { blockKitViolations } from '../../../src/bot/blocks/block-kit-violations.js';
import { httpAwsClients, nockReplicaPromotion, nockRoute53Zone, parseChangeBatch, type ZoneRecord } from '../../doubles/aws-http.js';
import { ORDERS_REPLICA_ENDPOINT } from '../../doubles/runbook-fixtures.js';
import { nockChatUpdate, nockPostEphemeral, nockPostMessage } from '../../doubles/slack-api-nock.js';
import { startServiceFlow } from './approval-flow-harness.js';
import { confirmBody, slash } from './flow-requests.js';
import { useApprovalFlow } from './use-approval-flow.js';

/*
 * DNS steps through the wiring users run (buildApp, signed Slack requests, Redis), Route 53
 * answered at the HTTP layer: what the requester and the approvers see, and what AWS receives.
 */

const ALB_ZONE = 'Z1H1FL5HABSF5S';
/** A long but real-looking load balancer name, so ten of them make a large plan. */
const albName = (i: number) => `dualstack.internal-secondary-api-${i}-alb-1234567890.us-west-2.elb.amazonaws.com.`;
const PRIMARY_ALB = { hostedZoneId: 'Z32O12XQLNTSW2', dnsName: 'primary-alb-1.eu-west-1.elb.amazonaws.com.', evaluateTargetHealth: true };
const promote = { region: 'us-west-2', promote: { dbInstance: 'orders-replica' } };

/** Ten weighted alias records, each sent to its secondary load balancer. */
const TEN = Array.from({ length: 10 }, (_, i) => ({
  hostedZoneId: 'Z9',
  name: `api-${i}.example.com`,
  type: 'A',
  setIdentifier: 'secondary',
  weight: 100,
  alias: { hostedZoneId: ALB_ZONE, dnsName: albName(i), evaluateTargetHealth: true },
}));

const flow = useApprovalFlow(() =>
  startServiceFlow(
    {
      failoverRunbooks: {
        www: { ...promote, dns: { hostedZoneId: 'Z9', name: 'www.example.com', type: 'A', value: '192.0.2.10', ttl: 60 } },
        ten: { ...promote, dns: TEN },
      },
    },
    httpAwsClients(),
  ),
);

/** orders-replica: an available replica until promoted, then standalone and available. */
function replicaPromotes(): string[] {
  return nockReplicaPromotion('us-west-2', 'orders-replica', 'orders-db', ORDERS_REPLICA_ENDPOINT);
}

describe('DNS steps, end to end', () => {
  it('a plain record over an alias is refused at pre-flight, and the requester is told why; nothing is requested or changed', async () => {
    const rds = replicaPromotes();
    const zone = nockRoute53Zone([{ name: 'www.example.com.', type: 'A', alias: PRIMARY_ALB }]);
    const posts = nockPostMessage(5);

    const replies = await slash(flow, 'failover www');

    expect(replies).toHaveLength(1);
    expect((replies[0] as { text: string }).text).toContain(
      'refused: DNS record: www.example.com. A is an alias record (A alias to primary-alb-1.eu-west-1.elb.amazonaws.com. (evaluates target health)); a plain record would replace it and lose its alias target and EvaluateTargetHealth',
    );
    expect(posts.calls).toEqual([]);
    expect(await flow.approvals.get('APR-1')).toBeNull();
    expect(zone.bodies).toEqual([]);
    expect(rds).not.toContain('PromoteReadReplica');
  });

  it('a ten-record list is shown whole within Block Kit limits, and runs as one batch of ten changes', async () => {
    replicaPromotes();
    const before: ZoneRecord[] = TEN.map((r, i) => ({
      name: `${r.name}.`,
      type: 'A',
      setIdentifier: 'secondary',
      weight: 0,
      alias: { hostedZoneId: ALB_ZONE, dnsName: albName(i), evaluateTargetHealth: true },
    }));
    const zone = nockRoute53Zone(before);
    const posts = nockPostMessage(30);

    const replies = await slash(flow, 'failover ten');

    expect((replies[0] as { text: string }).text).toMatch(/^Approval requested: \*APR-1\*/);
    const message = posts.calls[0]?.body as { text: string; blocks: Array<{ type: string; text?: { text: string } }> };
    expect(blockKitViolations(message)).toEqual([]);
    const shown = message.blocks.flatMap((b) => (b.type === 'section' && b.text ? [b.text.text] : [])).join('\n');
    for (const [i, record] of TEN.entries()) {
      // What each change replaces, and what it writes, both in words and in the exact parameters.
      expect(shown).toContain(
        `\n${i + 1}. ${record.name}. A weighted secondary: weight 0, alias to ${albName(i)} (evaluates target health)`,
      );
      expect(shown).toContain(
        `${record.name}. A weighted secondary: weight 0, alias to ${albName(i)} (evaluates target health) -&gt; weight 100,`,
      );
      expect(shown).toContain(`"DNSName":"${albName(i)}"`);
    }

    nockPostEphemeral(5);
    nockChatUpdate(40);
    const response = await flow.post(confirmBody('APR-1', 'ten'));
    expect(response.statusCode).toBe(200);
    await flow.idle();

    expect((await flow.approvals.get('APR-1'))?.state).toBe('succeeded');
    expect(zone.bodies).toHaveLength(1);
    const sent = parseChangeBatch(zone.bodies[0] ?? '');
    expect(sent.map((c) => [c.record.name, c.record.weight, c.record.ttl])).toEqual(TEN.map((r) => [`${r.name}.`, 100, undefined]));
  });

  it('revert-dns of a record the failover created deletes it, and the deployed IAM policy lets that batch through', async () => {
    replicaPromotes();
    // Nothing at www.example.com before the failover: its DNS step creates the record.
    const zone = nockRoute53Zone([]);
    nockPostMessage(30);
    nockPostEphemeral(10);
    nockChatUpdate(80);
    expect(JSON.stringify(await slash(flow, 'failover www'))).toContain('APR-1');
    expect((await flow.post(confirmBody('APR-1', 'www'))).statusCode).toBe(200);
    await flow.idle();
    expect((await flow.approvals.get('APR-1'))?.state).toBe('succeeded');
    expect(zone.records).toEqual([{ name: 'www.example.com.', type: 'A', ttl: 60, values: ['192.0.2.10'] }]);

    expect(JSON.stringify(await slash(flow, 'revert-dns APR-1'))).toContain('APR-2');
    expect((await flow.approvals.get('APR-2'))?.plan.calls[0]?.description).toContain(
      'delete www.example.com. A (it did not exist before)',
    );
    expect((await flow.post(confirmBody('APR-2', 'www', 'U0CCC'))).statusCode).toBe(200);
    await flow.idle();

    // The zone double refuses, as AWS does, a batch holding an action deploy/iam-policy.json does not allow.
    expect((await flow.approvals.get('APR-2'))?.state).toBe('succeeded');
    expect(parseChangeBatch(zone.bodies[1] ?? '').map((c) => [c.action, c.record.name, c.record.values])).toEqual([
      ['DELETE', 'www.example.com.', ['192.0.2.10']],
    ]);
    expect(zone.records).toEqual([]);
  });
});
