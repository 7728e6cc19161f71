import { describeRecord, type DnsRecord } from '../../../core/dns-record.js';
import { formatDurationHms } from '../../../core/format-time.js';
import type { Plan, PlannedCall, PreflightResult } from '../../../core/plan.js';
import type { types } from '@slack/bolt';
import { mrkdwnSections, type MrkdwnPiece } from '../../blocks/mrkdwn-sections.js';
import { escapeMrkdwn } from '../../slack-text.js';

/**
 * Mrkdwn shown whole, in as many sections as it needs (Slack allows 3,000 characters per
 * section text). Plan text is never cut: what approvers read is exactly what runs.
 */
export function sections(text: string | MrkdwnPiece[]): types.SectionBlock[] {
  return mrkdwnSections(text);
}

/** True when the request asked for `--allow-data-loss`: shown as a banner above everything else. */
export function allowsDataLoss(plan: Pick<Plan, 'request'>): boolean {
  return plan.request.kind === 'failover' && plan.request.allowDataLoss;
}

/** The banner every surface (dry run, approval message, confirm modal) puts first for `--allow-data-loss`. */
export const DATA_LOSS_BANNER =
  ':rotating_light: *DATA LOSS ALLOWED* (`--allow-data-loss`): this failover does not wait for replication or for the lag guard; writes not yet replicated are lost.';

/**
 * Text a person typed or AWS returned, shown literally: escaped, and a ``` inside it broken up
 * (zero-width spaces) so it can neither open a code block nor close ours early.
 */
export function literal(text: string): string {
  return escapeMrkdwn(text).replace(/```/g, '`\u200b`\u200b`');
}

const was = (record: DnsRecord | null) => (record ? literal(describeRecord(record)) : 'nothing (no record yet)');

/** What a DNS change replaces: one line, or one per change of a batch, named as the change names it. */
function replacesLines(call: PlannedCall): string[] {
  const replaces = call.replaces;
  if (replaces === undefined) return [];
  if (!Array.isArray(replaces)) return [`Replaces: ${was(replaces)}`];
  if (replaces.length === 1) return [`Replaces: ${was(replaces[0] ?? null)}`];
  const changes = call.operation === 'ChangeResourceRecordSets' ? call.input.ChangeBatch.Changes : [];
  return [
    'Replaces:',
    ...replaces.map((record, i) => {
      const set = changes[i]?.ResourceRecordSet;
      if (record) return `${i + 1}. ${literal(`${record.name} ${describeRecord(record)}`)}`;
      const name = set ? `${set.Name} ${set.Type}${set.SetIdentifier !== undefined ? ` ${set.SetIdentifier}` : ''}` : `change ${i + 1}`;
      return `${i + 1}. ${literal(name)}: nothing (no record yet)`;
    }),
  ];
}

/** One planned call: number, operation, where, flags, the description, what it replaces, its parameters (a code block). */
export function callPieces(call: PlannedCall, index: number): MrkdwnPiece[] {
  const flags = [
    `${call.service}${call.region ? ` ${call.region}` : ''}`,
    ...(call.irreversible ? [':warning: irreversible'] : []),
    ...(call.wait ? [`polls up to ${formatDurationHms(call.wait.timeoutMs)}`] : []),
  ];
  const lines = [`*${index + 1}. ${literal(call.operation)}* · ${flags.join(' · ')}`, literal(call.description)];
  lines.push(...replacesLines(call));
  if (call.valueFrom !== undefined) {
    lines.push(
      `Value: the endpoint step ${literal(call.valueFrom)} reports (host only), written into each record below that has no ResourceRecords`,
    );
  }
  const pieces: MrkdwnPiece[] = [{ text: lines.join('\n') }];
  if (Object.keys(call.input).length > 0) pieces.push({ code: literal(JSON.stringify(call.input)) });
  return pieces;
}

/**
 * What a resume or DNS revert acts on: the run it finishes, with every step of it that is not
 * planned again and how that is known (done there, or read back now); or the run it reverts.
 */
export function linkText(plan: Plan): string | null {
  if (plan.resumes) {
    const done = plan.alreadyDone ?? [];
    const lines = done.map((d) => `• ${literal(d.id)}: ${literal(d.description)} — ${literal(d.how)}`);
    return `:repeat: *Resumes ${literal(plan.resumes.approvalId)}* · ${done.length === 0 ? 'no step of it is done: every step is planned' : 'not repeated:'}${lines.length > 0 ? `\n${lines.join('\n')}` : ''}`;
  }
  if (plan.reverts) return `:leftwards_arrow_with_hook: *Reverts the DNS changes of ${literal(plan.reverts.approvalId)}*`;
  return null;
}

/** One pre-flight result with its live value and what it needs. */
export function preflightLine(check: PreflightResult): string {
  return `${check.ok ? ':white_check_mark:' : ':x:'} *${literal(check.name)}*: ${literal(check.observed)} (needs ${literal(check.requirement)})`;
}

/**
 * The plan as approvers read it: the data-loss banner when asked for, every call with its exact
 * parameters (sections of their own, so a long status-page message never pushes the others out),
 * the pre-flight checks with their live values, and the warnings. Every character is shown,
 * across as many sections as it takes; whether that fits one message is `planDisplayRefusal`'s
 * question, asked before a request exists. Pure.
 */
export function planBlocks(plan: Plan): types.SectionBlock[] {
  const blocks: types.SectionBlock[] = [];
  if (allowsDataLoss(plan)) blocks.push(...sections(DATA_LOSS_BANNER));
  const link = linkText(plan);
  if (link) blocks.push(...sections(link));
  blocks.push(...sections(`*Plan* · ${plan.calls.length} step${plan.calls.length === 1 ? '' : 's'}, run in this order`));
  for (const [index, call] of plan.calls.entries()) blocks.push(...sections(callPieces(call, index)));
  if (plan.preflight.length > 0) blocks.push(...sections(`*Pre-flight* (live values)\n${plan.preflight.map(preflightLine).join('\n')}`));
  if (plan.warnings.length > 0) blocks.push(...sections(`*Warnings*\n${plan.warnings.map((w) => `• ${literal(w)}`).join('\n')}`));
  return blocks;
}
