import type { Severity } from '../../core/severity.js';
import { pagerDutyActorName } from '../../core/pagerduty-actor.js';
import { escapeMrkdwn } from '../slack-text.js';
import { shortenVisibly } from './fit-list.js';

const USER_ID = /^[UW][A-Z0-9]{2,}$/;
const CHANNEL_ID = /^[CG][A-Z0-9]{2,}$/;

/** `<@U123>` for a Slack user id; anything else is shown as escaped text, never as markup. */
export function userMention(userId: string): string {
  return USER_ID.test(userId) ? `<@${userId}>` : escapeMrkdwn(userId);
}

/** A PagerDuty user's name is third-party text: bounded so a message around it keeps its limits. */
const PAGERDUTY_NAME_CHARS = 100;

/**
 * "by <@U123>" for a Slack user; "in PagerDuty by Jane Doe" for a change PagerDuty's webhook
 * reported (the name escaped, never markup).
 */
export function byActor(actor: string): string {
  const name = pagerDutyActorName(actor);
  return name === null ? `by ${userMention(actor)}` : `in PagerDuty by ${pagerDutyName(name)}`;
}

/** "<@U123>" for a Slack user; "Jane Doe in PagerDuty" for a PagerDuty user. */
export function actorMention(actor: string): string {
  const name = pagerDutyActorName(actor);
  return name === null ? userMention(actor) : `${pagerDutyName(name)} in PagerDuty`;
}

function pagerDutyName(name: string): string {
  return shortenVisibly(escapeMrkdwn(name), PAGERDUTY_NAME_CHARS);
}

/** `<#C123>` for a channel id; anything else as escaped text. */
export function channelMention(channelId: string): string {
  return CHANNEL_ID.test(channelId) ? `<#${channelId}>` : escapeMrkdwn(channelId);
}

const SEVERITY_EMOJI: Record<Severity, string> = {
  SEV1: ':red_circle:',
  SEV2: ':large_orange_circle:',
  SEV3: ':large_yellow_circle:',
  SEV4: ':large_blue_circle:',
};

/** The colour dot for a severity. */
export function severityEmoji(severity: Severity): string {
  return SEVERITY_EMOJI[severity];
}
