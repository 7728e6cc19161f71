import { describe, expect, it } from 'vitest';
import { callPieces } from '../../../../../src/bot/approvals/blocks/plan-blocks.js';
import type { PlannedCall } from '../../../../../src/core/plan.js';

const ALIAS = { hostedZoneId: 'Z32O12XQLNTSW2', dnsName: 'primary-alb.eu-west-1.elb.amazonaws.com.', evaluateTargetHealth: true };

/** A two-change batch: a weighted alias that exists, and a CNAME not there yet. */
const batch: PlannedCall = {
  id: 'dns-upsert',
  service: 'route53',
  operation: 'ChangeResourceRecordSets',
  input: {
    HostedZoneId: 'Z9',
    ChangeBatch: {
      Changes: [
        {
          Action: 'UPSERT',
          ResourceRecordSet: {
            Name: 'api.example.com.',
            Type: 'A',
            SetIdentifier: 'primary',
            Weight: 0,
            AliasTarget: { HostedZoneId: ALIAS.hostedZoneId, DNSName: ALIAS.dnsName, EvaluateTargetHealth: true },
          },
        },
        {
          Action: 'UPSERT',
          ResourceRecordSet: { Name: 'db.example.com.', Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: 'x.example.com' }] },
        },
      ],
    },
  },
  description: 'Change 2 records',
  replaces: [{ name: 'api.example.com.', type: 'A', values: [], aliasTarget: ALIAS, setIdentifier: 'primary', weight: 100 }, null],
};

describe('what a DNS batch replaces, as approvers read it', () => {
  it('names each change with what it replaces, in batch order, and says when there is nothing yet', () => {
    expect(callPieces(batch, 1)[0]).toEqual({
      text:
        '*2. ChangeResourceRecordSets* · route53\nChange 2 records\nReplaces:\n' +
        '1. api.example.com. A weighted primary: weight 100, alias to primary-alb.eu-west-1.elb.amazonaws.com. (evaluates target health)\n' +
        '2. db.example.com. CNAME: nothing (no record yet)',
    });
  });

  it('shows a one-change batch, and a plan stored before lists (one record), on one line', () => {
    const one = { ...batch, replaces: [null] } as PlannedCall;
    expect((callPieces(one, 0)[0] as { text: string }).text).toContain('\nReplaces: nothing (no record yet)');
    const stored = { ...batch, replaces: { name: 'db.example.com.', type: 'CNAME', ttl: 60, values: ['old.example.com'] } } as PlannedCall;
    expect((callPieces(stored, 0)[0] as { text: string }).text).toContain('\nReplaces: CNAME old.example.com (TTL 60s)');
  });

  it('says where a restore record gets its value, since the parameters below hold none', () => {
    const restore = { ...batch, replaces: [null, null], valueFrom: 'wait-restored' } as PlannedCall;
    expect((callPieces(restore, 2)[0] as { text: string }).text).toContain(
      '\nValue: the endpoint step wait-restored reports (host only), written into each record below that has no ResourceRecords',
    );
  });
});
