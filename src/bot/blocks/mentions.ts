import type { Severity } from '../../core/severity.js';
import { escapeMrkdwn } from '../slack-text.js';

const USER_ID = /^[UW][A-Z0-9]{2,}$/;
const CHANNEL_ID = /^[CG][A-Z0-9]{2,}$/;

/** `<@U123>` for a Slack user id; anything else is shown as escaped text, never as markup. */
export function userMention(userId: string): string {
  return USER_ID.test(userId) ? `<@${userId}>` : escapeMrkdwn(userId);
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
