import { describeRecord } from '../../../actions/preflight-failover.js';
import { formatDuration } from '../../../actions/format-duration.js';
import type { Plan, PlannedCall, PreflightResult } from '../../../core/plan.js';
import { fitSection } from '../../blocks/mentions.js';
import { escapeMrkdwn } from '../../slack-text.js';

/** A mrkdwn section, cut to Slack's 3,000 characters per section text. */
export function section(text: string): Record<string, unknown> {
  return { type: 'section', text: { type: 'mrkdwn', text: fitSection(text) } };
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

function code(json: string): string {
  return `\`\`\`${literal(json)}\`\`\``;
}

/** One planned call: number, operation, where, flags, the description, what it replaces, its parameters. */
export function callText(call: PlannedCall, index: number): string {
  const flags = [
    `${call.service}${call.region ? ` ${call.region}` : ''}`,
    ...(call.irreversible ? [':warning: irreversible'] : []),
    ...(call.wait ? [`polls up to ${formatDuration(call.wait.timeoutMs)}`] : []),
  ];
  const lines = [`*${index + 1}. ${literal(call.operation)}* · ${flags.join(' · ')}`, literal(call.description)];
  if (call.replaces !== undefined) {
    lines.push(`Replaces: ${call.replaces ? literal(describeRecord(call.replaces)) : 'nothing (no record yet)'}`);
  }
  if (Object.keys(call.input).length > 0) lines.push(code(JSON.stringify(call.input)));
  return lines.join('\n');
}

/** One pre-flight result with its live value and what it needs. */
export function preflightLine(check: PreflightResult): string {
  return `${check.ok ? ':white_check_mark:' : ':x:'} *${literal(check.name)}*: ${literal(check.observed)} (needs ${literal(check.requirement)})`;
}

/**
 * The plan as approvers read it: the data-loss banner when asked for, every call with its exact
 * parameters (one section each, so a long status-page message never pushes the others out), the
 * pre-flight checks with their live values, and the warnings. Pure.
 */
export function planBlocks(plan: Plan): Record<string, unknown>[] {
  const blocks: Record<string, unknown>[] = [];
  if (allowsDataLoss(plan)) blocks.push(section(DATA_LOSS_BANNER));
  blocks.push(section(`*Plan* · ${plan.calls.length} step${plan.calls.length === 1 ? '' : 's'}, run in this order`));
  plan.calls.forEach((call, index) => blocks.push(section(callText(call, index))));
  if (plan.preflight.length > 0) blocks.push(section(`*Pre-flight* (live values)\n${plan.preflight.map(preflightLine).join('\n')}`));
  if (plan.warnings.length > 0) blocks.push(section(`*Warnings*\n${plan.warnings.map((w) => `• ${literal(w)}`).join('\n')}`));
  return blocks;
}
