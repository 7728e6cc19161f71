import type { BlockAction } from '@slack/bolt';
import type { Actor } from '../core/action-request.js';
import type { Logger } from '../observability/logger.js';
import type { BotMessage, Reply } from './bot-ports.js';
import type { SlackGateway } from './slack-gateway.js';

/** Who typed the command or clicked, and where an answer can reach them. */
export interface Requester {
  userId: string;
  userName?: string;
  channelId?: string;
  /** Slash commands and message buttons carry one: valid 5 times within 30 minutes. */
  responseUrl?: string;
  /** Buttons prefer chat.postEphemeral, which does not depend on the response_url's budget. */
  preferEphemeral?: boolean;
}

/** Who clicked a button, answered ephemerally in the channel of the message (chat.postEphemeral); null without a user id. */
export function clicker(body: BlockAction): Requester | null {
  const userId = body.user.id;
  if (!userId) return null;
  const userName = body.user.username ?? body.user.name;
  return {
    userId,
    ...(userName ? { userName } : {}),
    ...(body.channel?.id ? { channelId: body.channel.id } : {}),
    ...(body.response_url ? { responseUrl: body.response_url } : {}),
    preferEphemeral: true,
  };
}

/** The requester as the approval layer and the engine see them. */
export function actorOf(requester: Requester): Actor {
  return { userId: requester.userId, ...(requester.userName ? { name: requester.userName } : {}) };
}

/**
 * A Reply that reaches only the requester: chat.postEphemeral in their channel, or their
 * response_url. A failed answer is logged (there is no one else to tell) and never thrown.
 */
export function replyTo(requester: Requester, gateway: SlackGateway, logger: Logger): Reply {
  return async (message: BotMessage) => {
    try {
      if (requester.channelId && (requester.preferEphemeral || !requester.responseUrl)) {
        await gateway.postEphemeral({ channel: requester.channelId, user: requester.userId, ...message });
      } else if (requester.responseUrl) {
        await gateway.respond(requester.responseUrl, { ...message, responseType: 'ephemeral', replaceOriginal: false });
      } else {
        logger.warn({ userId: requester.userId }, 'no channel or response_url to answer a Slack user through; answer dropped');
      }
    } catch (err) {
      logger.error({ err, userId: requester.userId }, 'could not answer a Slack user; they saw no reply');
    }
  };
}
