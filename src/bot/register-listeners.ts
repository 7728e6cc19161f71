import type { App, BlockAction, CodedError, ButtonAction, StaticSelectAction, ViewSubmitAction } from '@slack/bolt';
import type { Config } from '../config/types.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../observability/logger.js';
import { INCIDENT_ACTION_PATTERN, STATUS_SELECT_ACTION_ID, VIEW_IDS } from './action-ids.js';
import { helpMessage } from './blocks/help-message.js';
import { clickedMessage } from './clicked-message.js';
import type { CommandHandler } from './command-handler.js';
import { READ_ONLY_SUBCOMMANDS, usageLine, type Subcommand } from './command-usage.js';
import type { IncidentActionHandler } from './incident-action-handler.js';
import { parseCommand, type ParseContext } from './parse-command.js';
import { PRE_ACK_PERMISSION_TIMEOUT_MS, type Permissions } from './permissions.js';
import { clicker, replyTo, type Requester } from './requester.js';
import type { SlackGateway } from './slack-gateway.js';
import { permissionRefusal } from './user-messages.js';
import { silenceableCheckIds } from '../noise/silenceable-checks.js';

export interface ListenerDeps {
  app: App;
  config: Pick<Config, 'slack' | 'runbooks' | 'checks' | 'drills'>;
  commands: CommandHandler;
  actions: IncidentActionHandler;
  permissions: Permissions;
  gateway: SlackGateway;
  clock: Clock;
  logger: Logger;
}

/**
 * Bolt listeners: the slash command, the incident buttons and the status page modal. Each acks
 * first (within Slack's 3 s), with the answer itself when it needs no I/O (help, parse errors;
 * an acting subcommand's parse error first checks permission, bounded), then does the work and answers through response_url or chat.postEphemeral.
 */
export function registerListeners(deps: ListenerDeps): void {
  const { app, config, commands, actions, permissions, gateway, clock, logger } = deps;
  const slashCommand = config.slack.command;
  const parseContext = (): ParseContext => ({
    command: slashCommand,
    failoverRunbooks: Object.keys(config.runbooks.failover),
    restoreRunbooks: Object.keys(config.runbooks.restore),
    nowMs: clock.now(),
    checkIds: silenceableCheckIds(config),
    drills: Object.keys(config.drills ?? {}),
  });

  /**
   * The answer to a command that did not parse. Parse errors of acting subcommands name the
   * configured runbooks, so someone who may not run the subcommand gets the permission refusal
   * instead. Before the ack, so the check waits for Slack at most PRE_ACK_PERMISSION_TIMEOUT_MS.
   */
  const parseErrorText = async (subcommand: Subcommand | null, details: string, userId: string): Promise<string> => {
    if (subcommand === null || READ_ONLY_SUBCOMMANDS.has(subcommand)) return details;
    const verdict = await permissions.operatorVerdict(userId, PRE_ACK_PERMISSION_TIMEOUT_MS);
    if (verdict === 'permitted') return details;
    logger.info({ userId, subcommand, verdict }, 'refused a /dr command from a non-operator');
    return `${permissionRefusal(verdict, `run \`${slashCommand} ${subcommand}\``)}\n${usageLine(slashCommand, subcommand)}`;
  };

  // Every slash command reaches this one listener, so a mismatched name still gets an answer.
  app.command(/^\//, async ({ command, ack }) => {
    if (command.command !== slashCommand) {
      logger.warn(
        { received: command.command, configured: slashCommand },
        'a slash command arrived that slack.command does not name; check the app manifest',
      );
      await ack({ response_type: 'ephemeral', text: `Lifeboat answers \`${slashCommand}\`. Try \`${slashCommand} help\`.` });
      return;
    }
    const outcome = parseCommand(typeof command.text === 'string' ? command.text : '', parseContext());
    if (!outcome.ok) {
      const text = await parseErrorText(outcome.subcommand, `${outcome.error}\n${outcome.usage}`, command.user_id);
      await ack({ response_type: 'ephemeral', text });
      return;
    }
    if (outcome.command.kind === 'help') {
      await ack({ response_type: 'ephemeral', ...helpMessage(slashCommand) });
      return;
    }
    await ack();
    const requester: Requester = {
      userId: command.user_id,
      ...(command.user_name ? { userName: command.user_name } : {}),
      ...(command.channel_id ? { channelId: command.channel_id } : {}),
      ...(command.response_url ? { responseUrl: command.response_url } : {}),
    };
    await commands.handle(outcome.subcommand, outcome.command, requester, replyTo(requester, gateway, logger));
  });

  app.action<BlockAction<ButtonAction>>(INCIDENT_ACTION_PATTERN, async ({ ack, body, action }) => {
    await ack();
    const requester = clicker(body);
    if (!requester) return;
    await actions.handleClick(
      action.action_id,
      action.value ?? '',
      clickedMessage(body),
      body.trigger_id,
      requester,
      replyTo(requester, gateway, logger),
    );
  });

  app.action<BlockAction<StaticSelectAction>>(STATUS_SELECT_ACTION_ID, async ({ ack, body, action }) => {
    await ack();
    const selected = action.selected_option?.value;
    if (body.view && selected) await actions.handleStatusSelect(body.view, selected);
  });

  app.view<ViewSubmitAction>(VIEW_IDS.statusPage, async ({ ack, body, view }) => {
    const userId = body.user.id;
    const checked = await actions.checkSubmission(userId, view.state.values, view.private_metadata);
    if (checked.ack) {
      await ack(checked.ack);
      return;
    }
    await ack();
    const requester: Requester = {
      userId,
      ...(body.user.name ? { userName: body.user.name } : {}),
      ...(checked.channelId ? { channelId: checked.channelId } : {}),
      preferEphemeral: true,
    };
    await actions.continueSubmission(checked.request, requester, replyTo(requester, gateway, logger));
  });

  app.error(async (error: CodedError) => {
    const { code } = error;
    // A repeated delivery stopped at its ack: expected, already logged by the receiver.
    if (code === 'LIFEBOAT_SLACK_DELIVERY_REFUSED') return;
    logger.error({ err: error, code }, 'a Slack listener failed');
  });
}
