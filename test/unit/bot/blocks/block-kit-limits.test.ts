import { describe, expect, it } from 'vitest';
import type { ApprovalState } from '../../../../src/approvals/approval.js';
import { approvalMessage } from '../../../../src/bot/approvals/blocks/approval-message.js';
import { confirmModal } from '../../../../src/bot/approvals/blocks/confirm-modal.js';
import { planDisplayRefusal } from '../../../../src/bot/approvals/blocks/plan-display-refusal.js';
import { dryRunMessage, refusedMessage, requestedMessage } from '../../../../src/bot/approvals/blocks/submit-answers.js';
import { outcomeReply, progressReply, transitionReply } from '../../../../src/bot/approvals/blocks/thread-replies.js';
import { approvalsList } from '../../../../src/bot/blocks/approvals-list.js';
import { readinessList } from '../../../../src/bot/blocks/readiness-list.js';
import { blockKitViolations } from '../../../../src/bot/blocks/block-kit-violations.js';
import { helpMessage } from '../../../../src/bot/blocks/help-message.js';
import { incidentMessage } from '../../../../src/bot/blocks/incident-message.js';
import { incidentsList } from '../../../../src/bot/blocks/incidents-list.js';
import { statusReport, type CheckPosture } from '../../../../src/bot/blocks/status-report.js';
import { statusPageModal } from '../../../../src/bot/blocks/statuspage-modal.js';
import { timelineReply } from '../../../../src/bot/blocks/timeline-reply.js';
import { silencesList } from '../../../../src/bot/blocks/silences-list.js';
import { MAX_SILENCE_MS, MAX_SILENCE_REASON } from '../../../../src/noise/silence.js';
import { reminderText, silenceEndedText } from '../../../../src/noise/reminder-text.js';
import type { ApprovalSummary } from '../../../../src/bot/bot-ports.js';
import { generalUsage, SUBCOMMANDS, usageLine } from '../../../../src/bot/command-usage.js';
import { initialCheckState } from '../../../../src/core/check-state.js';
import type { Incident, IncidentEvent } from '../../../../src/core/incident.js';
import type { Plan } from '../../../../src/core/plan.js';
import { approvalOf, failoverPlan, statusPagePlan, T0 } from '../approvals/fixtures.js';
import { storedCall } from '../../../doubles/stored-call.js';
import { clusterRestoreSettings } from '../../../../src/actions/restore-settings.js';

/*
 * Every Block Kit builder, fed the longest inputs the config and users allow, stays within
 * Slack's documented limits. Ids: runbook and check ids match /^[a-z0-9][a-z0-9_-]{0,62}$/
 * (63 characters, src/config/field-schemas.ts); Slack user ids match /^[UW][A-Z0-9]{2,}$/
 * (no upper bound in config, so 40 characters here, four times Slack's longest seen).
 */
const ID63 = `${'a'.repeat(61)}-z`;
const idN = (n: number) => `${String(n).padStart(3, '0')}-${'c'.repeat(59)}`;
const USER = `W${'0'.repeat(39)}`;
const INC = 'INC-999999999999';
/** A backup summary that lists every failed snapshot: 5,000 of them. */
const SNAPSHOTS = `5000 snapshots failed: ${Array.from({ length: 5000 }, (_, i) => `rds:${ID63}-2026-11-21-${String(i).padStart(4, '0')} <&>`).join(', ')}`;

const ok = (surface: unknown) => expect(blockKitViolations(surface)).toEqual([]);

function incident(n: number, overrides: Partial<Incident> = {}): Incident {
  return {
    id: `INC-${999_999_000 + n}`,
    checkId: idN(n),
    severity: 'SEV1',
    state: 'acknowledged',
    revision: 9,
    openedAt: T0,
    updatedAt: T0,
    acknowledgedBy: USER,
    acknowledgedAt: T0,
    summary: SNAPSHOTS,
    measurement: { kind: 'backup', ageSeconds: null },
    peakSeverity: 'SEV1',
    ...overrides,
  } as Incident;
}

function failingCheck(n: number): CheckPosture {
  const state = initialCheckState(idN(n));
  return {
    id: idN(n),
    type: n % 3 === 0 ? 'backup' : n % 3 === 1 ? 'replication-lag' : 'http',
    state: {
      ...state,
      openIncidentId: `INC-${999_999_000 + n}`,
      lastResult: {
        checkId: idN(n),
        startedAt: T0,
        durationMs: 5,
        ok: false,
        severity: 'SEV1',
        summary: SNAPSHOTS,
        measurement: { kind: 'http', url: 'x' },
      },
    },
  } as CheckPosture;
}

function summary(n: number): ApprovalSummary {
  return {
    id: `APR-${999_999_000 + n}`,
    title: `Failover ${ID63}: switch over ${'g'.repeat(200)} to ${'t'.repeat(200)} (ap-southeast-1)`,
    requestedBy: USER,
    requestedAt: T0,
    expiresAt: T0 + 60_000,
    approvedBy: [USER, USER, USER],
    approvalsNeeded: 5,
  };
}

/** A failover whose DNS record holds 500 values and whose Route 53 input is 6,000 characters. */
function biggestFailover(): Plan {
  const plan = failoverPlan({ subject: ID63, request: { kind: 'failover', runbook: ID63, dryRun: false, allowDataLoss: true } });
  const values = Array.from({ length: 500 }, (_, i) => `ip-10-0-${i}.${ID63}.example.com`);
  plan.calls[1] = storedCall({
    ...plan.calls[1]!,
    input: {
      HostedZoneId: 'Z123',
      ChangeBatch: {
        Comment: 'x'.repeat(6000),
        Changes: [{ Action: 'UPSERT', ResourceRecordSet: { ResourceRecords: values.map((Value) => ({ Value })) } }],
      },
    },
    replaces: { name: `${ID63}.example.com.`, type: 'CNAME', ttl: 60, values },
  });
  plan.warnings = Array.from({ length: 30 }, (_, i) => `Warning ${i} about ${ID63} & <things>`);
  return plan;
}

/**
 * An Aurora Serverless v2 restore carrying every setting over, with the most a source can hold:
 * 50 tags (RDS's limit per resource), keys of 128 and values of 256 characters, copied again onto
 * the writer, and the longest identifiers.
 */
function biggestRestore(): Plan {
  const tags = Array.from({ length: 50 }, (_, i) => ({ Key: `${String(i).padStart(2, '0')}${'k&'.repeat(63)}`, Value: 'v<'.repeat(128) }));
  const runbook = { region: 'ap-southeast-1', dbCluster: ID63, instanceClass: 'db.serverless', securityGroups: [], overrides: {} };
  const source = {
    name: ID63,
    settings: {
      deletionProtection: true,
      kmsKeyId: `arn:aws:kms:ap-southeast-1:123456789012:key/${'f'.repeat(36)}`,
      parameterGroup: 'p'.repeat(255),
      storageType: 'aurora-iopt1',
      copyTagsToSnapshot: true,
      iamDatabaseAuthentication: true,
      tags,
      serverless: { min: 0.5, max: 256 },
    },
  };
  const carried = clusterRestoreSettings(runbook, source);
  const target = `${ID63}-restore-20261121-120000`;
  return {
    ...failoverPlan(),
    request: { kind: 'restore', runbook: ID63, dryRun: false, source: { type: 'latest' } },
    title: `Restore ${ID63}: ${ID63} to the latest restorable time as ${target} (ap-southeast-1)`,
    subject: ID63,
    calls: [
      {
        id: 'restore',
        service: 'rds',
        operation: 'RestoreDBClusterToPointInTime',
        region: 'ap-southeast-1',
        input: {
          DBClusterIdentifier: target,
          SourceDBClusterIdentifier: ID63,
          UseLatestRestorableTime: true,
          DBSubnetGroupName: 's'.repeat(255),
          VpcSecurityGroupIds: Array.from({ length: 5 }, (_, i) => `sg-${String(i).repeat(17)}`),
          ...carried.input,
        },
        description: `Restore cluster ${target} from ${ID63} to the latest restorable time; ${carried.summary}`,
      },
      {
        id: 'create-writer',
        service: 'rds',
        operation: 'CreateDBInstance',
        region: 'ap-southeast-1',
        input: {
          DBInstanceIdentifier: `${target}-w`,
          DBClusterIdentifier: target,
          DBInstanceClass: 'db.serverless',
          Engine: 'aurora-postgresql',
          Tags: tags,
          CopyTagsToSnapshot: true,
        },
        description: `Create writer instance ${target}-w (db.serverless) in cluster ${target}`,
      },
    ],
    warnings: [
      `${ID63} has readers in other Availability Zones; the restore creates only the writer ${target}-w: add readers for Multi-AZ.`,
    ],
  };
}

describe('blockKitViolations', () => {
  const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
  it.each([
    ['a section over 3,000', { text: 't', blocks: [section('x'.repeat(3001))] }, 'blocks[0].text.text'],
    ['51 blocks', { text: 't', blocks: Array.from({ length: 51 }, () => section('x')) }, 'blocks'],
    ['an empty section text', { text: 't', blocks: [section('')] }, 'blocks[0].text.text'],
    [
      '11 fields',
      { text: 't', blocks: [{ type: 'section', fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'f' })) }] },
      'blocks[0].fields',
    ],
    [
      'a 76-character button',
      {
        text: 't',
        blocks: [{ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'b'.repeat(76) }, action_id: 'a' }] }],
      },
      'blocks[0].elements[0].text.text',
    ],
    [
      '26 action elements',
      {
        text: 't',
        blocks: [
          {
            type: 'actions',
            elements: Array.from({ length: 26 }, (_, i) => ({
              type: 'button',
              text: { type: 'plain_text', text: 'b' },
              action_id: `a${i}`,
            })),
          },
        ],
      },
      'blocks[0].elements',
    ],
    [
      'a 301-character confirm text',
      {
        text: 't',
        blocks: [
          {
            type: 'actions',
            elements: [
              {
                type: 'button',
                text: { type: 'plain_text', text: 'b' },
                action_id: 'a',
                confirm: {
                  title: { type: 'plain_text', text: 't' },
                  text: { type: 'plain_text', text: 'c'.repeat(301) },
                  confirm: { type: 'plain_text', text: 'y' },
                  deny: { type: 'plain_text', text: 'n' },
                },
              },
            ],
          },
        ],
      },
      'blocks[0].elements[0].confirm.text.text',
    ],
    [
      '11 context elements',
      { text: 't', blocks: [{ type: 'context', elements: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'c' })) }] },
      'blocks[0].elements',
    ],
    [
      'a 151-character header',
      { text: 't', blocks: [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }] },
      'blocks[0].text.text',
    ],
    ['a 256-character block_id', { text: 't', blocks: [{ ...section('x'), block_id: 'b'.repeat(256) }] }, 'blocks[0].block_id'],
    ['a message text over 40,000', { text: 't'.repeat(40_001) }, 'text'],
    ['a 25-character modal title', { type: 'modal', title: { type: 'plain_text', text: 't'.repeat(25) }, blocks: [] }, 'title.text'],
    [
      '101 modal blocks',
      { type: 'modal', title: { type: 'plain_text', text: 't' }, blocks: Array.from({ length: 101 }, () => section('x')) },
      'blocks',
    ],
    [
      'a 3,001-character private_metadata',
      { type: 'modal', title: { type: 'plain_text', text: 't' }, private_metadata: 'm'.repeat(3001), blocks: [] },
      'private_metadata',
    ],
    [
      'a 151-character option value',
      {
        type: 'modal',
        title: { type: 'plain_text', text: 't' },
        blocks: [
          {
            type: 'input',
            label: { type: 'plain_text', text: 'l' },
            element: {
              type: 'static_select',
              action_id: 'a',
              options: [{ text: { type: 'plain_text', text: 'o' }, value: 'v'.repeat(151) }],
            },
          },
        ],
      },
      'blocks[0].element.options[0].value',
    ],
    [
      'a 151-character placeholder',
      {
        type: 'modal',
        title: { type: 'plain_text', text: 't' },
        blocks: [
          {
            type: 'input',
            label: { type: 'plain_text', text: 'l' },
            element: { type: 'plain_text_input', action_id: 'a', placeholder: { type: 'plain_text', text: 'p'.repeat(151) } },
          },
        ],
      },
      'blocks[0].element.placeholder.text',
    ],
  ])('finds %s, with its path', (_name, surface, path) => {
    expect(blockKitViolations(surface).map((v) => v.path)).toContain(path);
  });
});

describe('every builder, longest inputs, within Slack limits', () => {
  it('the incident message, in every state, with 63-character runbooks (more than 25 buttons) and a 5,000-snapshot summary', () => {
    const runbooks = Array.from({ length: 15 }, (_, i) => `${String(i).padStart(2, '0')}${ID63.slice(2)}`);
    for (const state of ['open', 'acknowledged', 'resolved'] as const) {
      const message = incidentMessage({
        incident: incident(1, { id: INC, checkId: ID63, state, resolvedBy: USER, resolvedAt: T0 }),
        links: { failover: runbooks, restore: runbooks },
        incidentChannelId: `C${'0'.repeat(30)}`,
        pagingLine: `:warning: Paging failed: ${'r'.repeat(300)}… — retrying`,
      });
      ok(message);
      expect(JSON.stringify(message)).toContain('…');
      if (state !== 'resolved') {
        const actions = message.blocks.find((b) => b.type === 'actions') as { elements: Array<{ text: { text: string }; value: string }> };
        const proposal = actions.elements.find((e) => e.text.text.startsWith('Propose failover: '))!;
        expect(proposal.text.text).toBe(`Propose failover: ${runbooks[0]!.slice(0, 56)}…`);
        expect(JSON.parse(proposal.value)).toEqual({ incidentId: INC, runbook: runbooks[0] });
        const shown = actions.elements.length;
        const more = message.blocks
          .map((b) => JSON.stringify(b))
          .join('')
          .match(/…and (\d+) more linked runbooks/);
        expect(shown + Number(more?.[1])).toBe((state === 'open' ? 4 : 3) + 30);
      }
    }
  });

  it('the incident message with the longest silence reason and 5,000 children, each with a 5,000-snapshot summary', () => {
    const children = Array.from({ length: 5_000 }, (_, i) => ({ checkId: idN(i), severity: 'SEV1' as const, summary: SNAPSHOTS, at: T0 }));
    const reason = `${'<&>'.repeat(MAX_SILENCE_REASON / 3)}xx`;
    expect(reason).toHaveLength(MAX_SILENCE_REASON);
    for (const by of [USER, undefined]) {
      const message = incidentMessage({
        incident: incident(1, { id: INC, checkId: ID63, state: 'open', children }),
        links: { failover: [], restore: [] },
        silence: {
          checkId: ID63,
          since: T0,
          until: T0 + MAX_SILENCE_MS,
          reason,
          source: by ? 'command' : 'maintenance',
          ...(by ? { by } : {}),
        },
        pagingLine: `:warning: Paging failed: ${'r'.repeat(300)}… — retrying`,
      });
      ok(message);
      const json = JSON.stringify(message);
      expect(json).toContain(by ? `by <@${USER}>` : 'by a maintenance window');
      expect(json).toMatch(/…and \d+ more/);
    }
    const event = {
      type: 'child-failed',
      incidentId: INC,
      checkId: ID63,
      at: T0,
      severity: 'SEV1',
      summary: SNAPSHOTS,
      measurement: { kind: 'backup', ageSeconds: null },
      child: { checkId: ID63, severity: 'SEV1', summary: SNAPSHOTS, at: T0 },
    } as IncidentEvent;
    ok({ text: timelineReply(event, incident(1, { id: INC, checkId: ID63 })) });
    const silences = Array.from({ length: 5_000 }, (_, i) => ({
      checkId: idN(i),
      since: T0,
      until: T0 + MAX_SILENCE_MS,
      reason,
      by: USER,
      source: 'command' as const,
    }));
    const list = silencesList(silences, T0);
    ok(list);
    expect(JSON.stringify(list)).toMatch(/…and \d+ more/);
    ok(silencesList([], T0));
    // Windows `/dr unsilence` ended early, each with the longest reason, check id and user id.
    const endedEarly = silences.map((s) => ({ ...s, source: 'maintenance' as const, by: undefined, endedAt: T0, endedBy: USER }));
    const endedList = silencesList(endedEarly, T0 + 1);
    ok(endedList);
    expect(JSON.stringify(endedList)).toContain(`maintenance window ended early`);
    expect(JSON.stringify(endedList)).toMatch(/…and \d+ more/);
    ok({ text: reminderText(incident(1, { id: INC, checkId: ID63, summary: SNAPSHOTS }), T0 + 86_400_000) });
    const byPagerDuty = reminderText(
      incident(1, { id: INC, checkId: ID63, summary: SNAPSHOTS, acknowledgedBy: `pagerduty:<@U0AAA> ${'Ω'.repeat(5_000)}` }),
      T0 + 86_400_000,
    );
    ok({ text: byPagerDuty });
    expect(byPagerDuty).toContain('in PagerDuty by &lt;@U0AAA&gt; ΩΩ');
    expect(byPagerDuty).not.toContain('<@U0AAA>');
    ok({ text: silenceEndedText(incident(1, { id: INC, checkId: ID63, summary: SNAPSHOTS }), T0 + 86_400_000) });
  });

  it('the incident message acknowledged and resolved in PagerDuty by a 5,000-character name', () => {
    const name = `<@U0AAA> ${'Ω'.repeat(5_000)}`;
    for (const state of ['acknowledged', 'resolved'] as const) {
      const message = incidentMessage({
        incident: incident(1, {
          id: INC,
          checkId: ID63,
          state,
          acknowledgedBy: `pagerduty:${name}`,
          resolvedBy: `pagerduty:${name}`,
          resolvedAt: T0,
        }),
        links: { failover: [], restore: [] },
      });
      ok(message);
      const json = JSON.stringify(message);
      expect(json).toContain('in PagerDuty by &lt;@U0AAA&gt; ΩΩ');
      expect(json).not.toContain('<@U0AAA>');
    }
  });

  it('/dr incidents with 61 open incidents shows whole entries and counts the rest exactly', () => {
    const open = Array.from({ length: 61 }, (_, i) => incident(i));
    const resolved = Array.from({ length: 30 }, (_, i) => incident(100 + i, { state: 'resolved', resolvedAt: T0 + 1 }));
    const list = incidentsList(open, resolved);
    ok(list);
    const texts = list.blocks.map((b) => (b as { text: { text: string } }).text.text);
    const openText = texts.filter((t) => !t.startsWith('*Recently resolved*')).join('\n');
    const shown = openText.split('\n').filter((l) => l.startsWith(':red_circle:')).length;
    const more = Number(/…and (\d+) more$/.exec(openText)?.[1]);
    expect(shown).toBeGreaterThan(16);
    expect(shown + more).toBe(61);
  });

  it('/dr incidents and /dr status with every check silenced by the longest reason stay within limits and count the rest', () => {
    const reason = `${'<&>'.repeat(MAX_SILENCE_REASON / 3)}xx`;
    const open = Array.from({ length: 61 }, (_, i) => incident(i));
    for (const by of [USER, undefined]) {
      const silenced = new Map(
        open.map((i) => [
          i.checkId,
          {
            checkId: i.checkId,
            since: T0,
            until: T0 + MAX_SILENCE_MS,
            reason,
            source: by ? ('command' as const) : ('maintenance' as const),
            ...(by ? { by } : {}),
          },
        ]),
      );
      const list = incidentsList(open, [], silenced);
      ok(list);
      const text = list.blocks.map((b) => (b as { text: { text: string } }).text.text).join('\n');
      const shown = text.split('\n').filter((l) => l.startsWith(':red_circle:'));
      expect(shown.every((l) => l.includes(':no_bell: Silenced until'))).toBe(true);
      expect(shown.length + Number(/…and (\d+) more$/.exec(text)?.[1])).toBe(61);
      const report = statusReport({
        checks: open.map((_, n) => failingCheck(n)),
        openIncidents: open,
        approvals: [],
        silenced,
        nowMs: T0,
      });
      ok(report);
      expect(JSON.stringify(report)).toContain(by ? `by <@${USER}> (` : 'by a maintenance window (');
    }
  });

  it.each([40, 500])('/dr status with %d failing checks, 61 incidents and 100 approvals counts what it cannot show', (count) => {
    const checks = Array.from({ length: count }, (_, i) => failingCheck(i));
    const report = statusReport({
      checks,
      openIncidents: Array.from({ length: 61 }, (_, i) => incident(i)),
      approvals: Array.from({ length: 100 }, (_, i) => summary(i)),
      nowMs: T0,
    });
    ok(report);
    // Each list starts with its bold heading; the sections after it, up to the next heading, go on with it.
    const lists = new Map<string, string>();
    let heading = '';
    for (const block of report.blocks.slice(1)) {
      const text = (block as { text: { text: string } }).text.text;
      heading = /^\*[^*]+\*/.exec(text)?.[0] ?? heading;
      lists.set(heading, lists.has(heading) ? `${lists.get(heading)}\n${text}` : text);
    }
    const counted = (list: string, entry: RegExp) => {
      const text = lists.get(list) ?? '';
      return text.split('\n').filter((l) => entry.test(l)).length + Number(/…and (\d+) more$/.exec(text)?.[1] ?? 0);
    };
    expect(counted('*Checks*', /^:x:/)).toBe(count);
    expect((lists.get('*Checks*') ?? '').split('\n').filter((l) => l.startsWith(':x:')).length).toBeGreaterThan(31);
    expect(counted('*Open incidents*', /^:red_circle:/)).toBe(61);
    expect(counted('*Pending approvals*', /^\*APR-/)).toBe(100);
    expect(counted('*Replication lag*', /^`/)).toBe(checks.filter((c) => c.type === 'replication-lag').length);
    expect(counted('*Newest backups*', /^`/)).toBe(checks.filter((c) => c.type === 'backup').length);
  });

  it('/dr approvals with 100 long requests', () => {
    const list = approvalsList(
      Array.from({ length: 100 }, (_, i) => summary(i)),
      T0,
    );
    ok(list);
    const text = list.blocks.map((b) => (b as { text: { text: string } }).text.text).join('\n');
    const shown = text.split('\n').filter((l) => l.startsWith('*APR-')).length;
    expect(shown + Number(/…and (\d+) more$/.exec(text)?.[1])).toBe(100);
  });

  it('/dr readiness with 500 runbooks, each refused for a 5,000-character reason, counts what it cannot show', () => {
    const list = readinessList({
      startedAt: T0,
      durationMs: 1_234,
      runbooks: Array.from({ length: 500 }, (_, i) => ({
        kind: i % 2 === 0 ? ('failover' as const) : ('restore' as const),
        runbook: `${'r'.repeat(60)}-${i}`,
        ...(i % 3 === 0
          ? { status: 'unknown' as const, reason: `AWS said Throttling ${'&<>'.repeat(1_700)}` }
          : { status: 'not-ready' as const, failing: 'target state', reason: `target state: ${'x'.repeat(5_000)}` }),
      })),
    });
    ok(list);
    const text = list.blocks.map((b) => (b as { text: { text: string } }).text.text).join('\n');
    const shown = text.split('\n').filter((l) => /^:(red_circle|grey_question):/.test(l)).length;
    expect(shown).toBeGreaterThan(20);
    expect(shown + Number(/…and (\d+) more$/.exec(text)?.[1])).toBe(500);
  });

  it('the status page modal for the longest ids', () => {
    const view = statusPageModal(incident(1, { id: INC, checkId: ID63 }), [`${ID63}-component`], {
      incidentId: INC,
      channelId: `C${'0'.repeat(30)}`,
    });
    ok(view);
  });

  it('the approval message in every state, with the biggest plan, a 100,000-character outcome and a long rejection reason', () => {
    const plan = biggestFailover();
    expect(planDisplayRefusal(plan)).toBeNull();
    const run = {
      runnerId: 'r',
      claimedAt: T0,
      leaseExpiresAt: T0,
      startedAt: T0,
      steps: [],
      currentStep: { stepId: 'dns-upsert', description: 'd'.repeat(5000), at: T0 },
      message: 'o&'.repeat(50_000),
      detail: { elapsedMs: 1 },
    };
    const states: ApprovalState[] = ['pending', 'approved', 'running', 'succeeded', 'failed', 'rejected', 'expired', 'interrupted'];
    for (const state of states) {
      const approval = approvalOf(plan, {
        id: 'APR-999999999999',
        requester: USER,
        requiredApprovals: 5,
        state,
        approvals: Array.from({ length: 5 }, () => ({ userId: USER, at: T0 })),
        rejection: { userId: USER, at: T0, reason: 'because '.repeat(1000) },
        run,
      });
      ok(approvalMessage(approval));
      for (const transition of ['approved', 'rejected', 'expired', 'started', 'interrupted', 'released', 'succeeded', 'failed'] as const) {
        const change = { approval, transition, at: T0, actor: USER };
        for (const text of [transitionReply(change), outcomeReply(change)]) if (text !== null) ok({ text });
      }
    }
    ok(confirmModal(approvalOf(plan), `C${'0'.repeat(30)}`));
    ok(dryRunMessage(plan));
  });

  it('the biggest restore plan, every setting and 50 long tags carried over, is shown whole and fits', () => {
    const plan = biggestRestore();
    expect(planDisplayRefusal(plan)).toBeNull();
    ok(approvalMessage(approvalOf(plan, { id: 'APR-999999999999', requester: USER })));
    ok(dryRunMessage(plan));
    ok(confirmModal(approvalOf(plan), `C${'0'.repeat(30)}`));
  });

  it('dry run, refusal and requested answers', () => {
    const failing = failoverPlan({
      preflight: Array.from({ length: 200 }, (_, i) => ({
        name: `check ${ID63}`,
        ok: false,
        observed: `value ${i} ${'v'.repeat(100)}`,
        requirement: 'r'.repeat(100),
      })),
    });
    ok(dryRunMessage(failing));
    ok(refusedMessage('m'.repeat(5000), failing));
    ok(requestedMessage(approvalOf(statusPagePlan('&'.repeat(2000)), { id: 'APR-999999999999' }), `C${'0'.repeat(30)}`, T0));
  });

  it('thread replies and help texts stay within the message text limit', () => {
    const events = [
      { type: 'step-started', runId: 'r', planId: 'p', stepId: ID63, message: 'm&'.repeat(50_000) },
      { type: 'step-done', runId: 'r', planId: 'p', stepId: ID63, message: 'm&'.repeat(50_000), elapsedMs: 1 },
      { type: 'step-failed', runId: 'r', planId: 'p', stepId: ID63, message: 'm&'.repeat(50_000), code: 'LIFEBOAT_AWS_ERROR' },
    ] as const;
    for (const event of events) ok({ text: progressReply(event) });
    const big = incident(1, { id: INC, checkId: ID63 });
    for (const type of ['opened', 'escalated', 'deescalated', 'acknowledged', 'resolved'] as const) {
      const event = {
        type,
        incidentId: INC,
        checkId: ID63,
        at: T0,
        severity: 'SEV1',
        previousSeverity: 'SEV2',
        summary: SNAPSHOTS,
        actor: USER,
        note: 'n&'.repeat(500),
      } as IncidentEvent;
      ok({ text: timelineReply(event, big) });
    }
    ok(helpMessage(`/${ID63}`));
    ok({ text: generalUsage(`/${ID63}`) });
    for (const sub of SUBCOMMANDS) ok({ text: usageLine(`/${ID63}`, sub) });
  });
});
