import type { Logger } from '../observability/logger.js';
import { STORE_DOWN_TEXT } from './fastify-slack-receiver.js';
import type { SlackGateway } from './slack-gateway.js';
import { nonEmptyString, recordOf } from './untyped-fields.js';

/**
 * Tells the person behind a Slack delivery that Lifeboat did not act on it because the store
 * could not record it (fail closed; SPEC §5: never a silent drop). Through the payload's
 * response_url, else chat.postEphemeral in its channel; when it carries neither (a modal, an
 * event) there is no one to tell and the log says so. Never throws.
 */
export async function tellStoreDown(
  body: Record<string, unknown>,
  gateway: Pick<SlackGateway, 'respond' | 'postEphemeral'>,
  logger: Logger,
): Promise<void> {
  const slashCommand = typeof body.command === 'string';
  const responseUrl = nonEmptyString(body.response_url);
  const userId = nonEmptyString(body.user_id) ?? nonEmptyString(recordOf(body.user)?.id);
  const channelId = nonEmptyString(body.channel_id) ?? nonEmptyString(recordOf(body.channel)?.id);
  try {
    if (responseUrl) {
      // A button's response_url would otherwise be free to replace the incident message.
      await gateway.respond(responseUrl, { text: STORE_DOWN_TEXT, ...(slashCommand ? {} : { replaceOriginal: false }) });
    } else if (userId && channelId) {
      await gateway.postEphemeral({ channel: channelId, user: userId, text: STORE_DOWN_TEXT });
    } else {
      logger.warn({ userId, type: body.type }, 'a Slack delivery was not acted on (store down) and carries no way to tell its sender');
    }
  } catch (err) {
    logger.warn({ err, userId }, 'could not tell a Slack user the store is down');
  }
}
