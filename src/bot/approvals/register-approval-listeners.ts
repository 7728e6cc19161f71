import type { App, BlockAction, ButtonAction, ViewSubmitAction } from '@slack/bolt';
import type { Logger } from '../../observability/logger.js';
import { clickedMessage } from '../clicked-message.js';
import { clicker, replyTo, type Requester } from '../requester.js';
import type { SlackGateway } from '../slack-gateway.js';
import { APPROVAL_ACTION_IDS, APPROVAL_CONFIRM_VIEW_ID } from './approval-action-ids.js';
import type { ApprovalClickHandler } from './approval-click-handler.js';

/**
 * Approve, Reject, Release locks, Resume and the confirm modal on the bot's Bolt app (same verified receiver, same
 * delivery de-duplication). Buttons ack first, then act; a repeated delivery stops at its ack.
 * The modal is acked with its field error when the name does not match, else closed, then acted on.
 */
export function registerApprovalListeners(deps: { app: App; handler: ApprovalClickHandler; gateway: SlackGateway; logger: Logger }): void {
  const { app, handler, gateway, logger } = deps;

  app.action<BlockAction<ButtonAction>>(APPROVAL_ACTION_IDS.approve, async ({ ack, body, action }) => {
    await ack();
    const requester = clicker(body);
    if (!requester) return;
    await handler.approveClicked(action.value ?? '', clickedMessage(body), body.trigger_id, requester, replyTo(requester, gateway, logger));
  });

  app.action<BlockAction<ButtonAction>>(APPROVAL_ACTION_IDS.reject, async ({ ack, body, action }) => {
    await ack();
    const requester = clicker(body);
    if (!requester) return;
    await handler.rejectClicked(action.value ?? '', clickedMessage(body), requester, replyTo(requester, gateway, logger));
  });

  app.action<BlockAction<ButtonAction>>(APPROVAL_ACTION_IDS.release, async ({ ack, body, action }) => {
    await ack();
    const requester = clicker(body);
    if (!requester) return;
    await handler.releaseClicked(action.value ?? '', clickedMessage(body), requester, replyTo(requester, gateway, logger));
  });

  app.action<BlockAction<ButtonAction>>(APPROVAL_ACTION_IDS.resume, async ({ ack, body, action }) => {
    await ack();
    const requester = clicker(body);
    if (!requester) return;
    await handler.resumeClicked(action.value ?? '', clickedMessage(body), requester, replyTo(requester, gateway, logger));
  });

  app.view<ViewSubmitAction>(APPROVAL_CONFIRM_VIEW_ID, async ({ ack, body, view }) => {
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
