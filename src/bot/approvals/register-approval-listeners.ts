import type { App } from '@slack/bolt';
import type { Logger } from '../../observability/logger.js';
import { clickedMessage } from '../clicked-message.js';
import { replyTo, type Requester } from '../requester.js';
import type { SlackGateway } from '../slack-gateway.js';
import { APPROVAL_ACTION_IDS, APPROVAL_CONFIRM_VIEW_ID } from './approval-action-ids.js';
import type { ApprovalClickHandler } from './approval-click-handler.js';

interface ClickPayload {
  user?: { id?: string; username?: string; name?: string };
  channel?: { id?: string };
  response_url?: string;
  trigger_id?: string;
}

/** The clicker, answered ephemerally in the channel of the message (chat.postEphemeral). */
function clicker(body: unknown): Requester | null {
  const payload = body as ClickPayload;
  const userId = payload.user?.id;
  if (!userId) return null;
  const userName = payload.user?.username ?? payload.user?.name;
  return {
    userId,
    ...(userName ? { userName } : {}),
    ...(payload.channel?.id ? { channelId: payload.channel.id } : {}),
    ...(payload.response_url ? { responseUrl: payload.response_url } : {}),
    preferEphemeral: true,
  };
}

/**
 * Approve, Reject, Release locks and the confirm modal on the bot's Bolt app (same verified receiver, same
 * delivery de-duplication). Buttons ack first, then act; a repeated delivery stops at its ack.
 * The modal is acked with its field error when the name does not match, else closed, then acted on.
 */
export function registerApprovalListeners(deps: { app: App; handler: ApprovalClickHandler; gateway: SlackGateway; logger: Logger }): void {
  const { app, handler, gateway, logger } = deps;

  app.action(APPROVAL_ACTION_IDS.approve, async ({ ack, body, action }) => {
    await ack();
    const requester = clicker(body);
    if (!requester) return;
    const value = (action as { value?: string }).value ?? '';
    await handler.approveClicked(
      value,
      clickedMessage(body),
      (body as ClickPayload).trigger_id,
      requester,
      replyTo(requester, gateway, logger),
    );
  });

  app.action(APPROVAL_ACTION_IDS.reject, async ({ ack, body, action }) => {
    await ack();
    const requester = clicker(body);
    if (!requester) return;
    const value = (action as { value?: string }).value ?? '';
    await handler.rejectClicked(value, clickedMessage(body), requester, replyTo(requester, gateway, logger));
  });

  app.action(APPROVAL_ACTION_IDS.release, async ({ ack, body, action }) => {
    await ack();
    const requester = clicker(body);
    if (!requester) return;
    const value = (action as { value?: string }).value ?? '';
    await handler.releaseClicked(value, clickedMessage(body), requester, replyTo(requester, gateway, logger));
  });

  app.view(APPROVAL_CONFIRM_VIEW_ID, async ({ ack, body, view }) => {
    const userId = body.user.id;
    const checked = await handler.checkConfirmation(userId, view.state.values, view.private_metadata);
    if (checked.ack) {
      await ack(checked.ack);
      return;
    }
    await ack();
    const { submission } = checked;
    const requester: Requester = {
      userId,
      ...(body.user.name ? { userName: body.user.name } : {}),
      ...(submission.channelId ? { channelId: submission.channelId } : {}),
      preferEphemeral: true,
    };
    await handler.confirmed(submission, requester, replyTo(requester, gateway, logger));
  });
}
