import { describe, expect, it } from 'vitest';
import { blockKitViolations } from '../../../src/bot/blocks/block-kit-violations.js';
import { dbInstance, describedInstances, httpAwsClients, nockRds, nockRoute53 } from '../../doubles/aws-http.js';
import { ORDERS_FAILOVER } from '../../doubles/runbook-fixtures.js';
import { startServiceFlow } from './approval-flow-harness.js';
import { OLD_PRIMARY, requestFailover } from './flow-requests.js';
import { useApprovalFlow } from './use-approval-flow.js';

/** A hook body near the config's limit (20,000 characters as JSON). */
const LARGE = { replicas: 6, note: `${'n'.repeat(14_990)}<&>end` };

const flow = useApprovalFlow(() =>
  startServiceFlow(
    { failover: { ...ORDERS_FAILOVER, hooks: [{ name: 'scale-dr-api', url: 'https://ops.example.com/scale', body: LARGE }] } },
    httpAwsClients(),
  ),
);

describe('a hook with a large body', () => {
  it('is shown whole in the approval request, across sections within Block Kit limits, and says no token is sent', async () => {
    nockRds('us-west-2', () => ({
      result: describedInstances(dbInstance({ id: 'orders-replica', status: 'available', replicaOf: 'orders-db' })),
    }));
    nockRoute53({
      records: () => [{ name: 'orders.db.example.com.', type: 'CNAME', ttl: 60, value: OLD_PRIMARY }],
      change: () => 'accept',
    });

    const { posts, replies } = await requestFailover(flow);

    expect((replies[0] as { text: string }).text).toMatch(/^Approval requested: \*APR-1\*/);
    const message = posts.calls[0]?.body as { blocks: Array<{ type: string; text?: { text: string } }> };
    expect(blockKitViolations(message)).toEqual([]);
    const texts = message.blocks.flatMap((b) => (b.type === 'section' && b.text ? [b.text.text] : []));
    expect(texts.every((t) => t.length <= 3000)).toBe(true);
    // The parameters, read across their code fences ("(continued)"), hold the whole body; Slack
    // shows &amp; &lt; &gt; as & < >.
    const code = texts.flatMap((t) => [...t.matchAll(/```([\s\S]*?)```/g)].map((m) => m[1])).join('');
    const escaped = JSON.stringify(LARGE).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    expect(code).toContain(`"body":${escaped}`);
    expect(code).toContain('"expectStatus":[200,201,202,204],"timeoutMs":30000,"bearerTokenFrom":null');
    expect(texts.join('\n')).toContain('LIFEBOAT_HOOK_SCALE_DR_API_TOKEN is not set: hook scale-dr-api gets no Authorization header');
    expect(await flow.approvals.get('APR-1')).toMatchObject({
      state: 'pending',
      plan: { calls: expect.arrayContaining([expect.objectContaining({ input: expect.objectContaining({ body: LARGE }) })]) },
    });
  });
});
