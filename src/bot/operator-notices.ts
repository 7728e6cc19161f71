import type { Logger } from '../observability/logger.js';
import { maskSecrets } from '../observability/logger.js';
import type { OutboxDelivery } from './outbox/outbox-delivery.js';
import { dataString } from './outbox/outbox-entry.js';
import type { SlackOutboxService } from './outbox/slack-outbox-service.js';
import type { SeenDeliveries } from './seen-deliveries.js';
import { escapeMrkdwn } from './slack-text.js';

/** What operators are told about: an integration refusing Lifeboat's key. */
export type OperatorNoticeKind = 'paging-auth' | 'statuspage-auth';

/** Replicas tell operators about one kind of problem at most once in this window. */
export const OPERATOR_NOTICE_WINDOW_MS = 60 * 60_000; // 1 hour
/** Longest notice text; Slack truncates message text far beyond this, but nobody reads that far. */
export const MAX_NOTICE_CHARS = 3_000;

/** The outbox entry kind of a notice. */
const NOTICE_KIND = 'operator.notice';

const USER_ID = /^[UW][A-Z0-9]{2,}$/;
const USERGROUP_ID = /^S[A-Z0-9]{2,}$/;

export interface OperatorNoticesOptions {
  /** `slack.channel`: where incidents go, and so where operators look. */
  channel: string | undefined;
  /** `slack.operators`: user ids (U…, W…) and usergroup ids (S…). */
  operators: readonly string[];
  /** Notices are posts like any other: kept in the store through a Slack outage, never posted twice. */
  outbox: Pick<SlackOutboxService, 'enqueue' | 'register'>;
  /**
   * Shared between replicas (RedisSeenDeliveries: one `SET NX PX` per kind and window), so a
   * refusal every replica sees is told once; MemorySeenDeliveries in local mode.
   */
  seen: SeenDeliveries;
  /** Literal secret values (tokens, keys) that must never reach Slack even if a text quotes them. */
  secrets: ReadonlyArray<string | undefined>;
  logger: Logger;
  windowMs?: number;
}

/**
 * Tells operators in `slack.channel` when an integration refuses Lifeboat's key: one plain
 * message mentioning them, at most once per kind in this process, and once per kind and window
 * across replicas. `notify` never throws and never waits on Slack (the callers are failure
 * listeners inside paging and status-page delivery).
 */
export class OperatorNotices {
  private readonly told = new Set<OperatorNoticeKind>();
  private readonly secrets: string[];
  /** Window checks under way (each ends by enqueueing its notice or deciding not to). */
  private readonly deciding = new Set<Promise<void>>();

  constructor(private readonly options: OperatorNoticesOptions) {
    // Short values would mask ordinary words; real tokens and keys are far longer.
    this.secrets = options.secrets.filter((s): s is string => typeof s === 'string' && s.length >= 6);
    options.outbox.register(NOTICE_KIND, (delivery) => this.deliver(delivery));
  }

  /** Queues the notice for `kind` unless this process already told it. */
  notify(kind: OperatorNoticeKind, text: string): void {
    if (this.told.has(kind)) return;
    this.told.add(kind);
    const message = this.compose(text);
    const channel = this.options.channel;
    if (!channel) {
      this.options.logger.error({ kind }, 'cannot tell operators in Slack: slack.channel is not configured');
      return;
    }
    // The window is claimed once, before the notice is queued: the outbox then delivers it
    // exactly once, however long Slack is away.
    const decision = this.firstInWindow(kind).then((first) => {
      if (!first) {
        this.options.logger.info({ kind }, 'another replica already told operators in Slack about this; not repeating it');
        return;
      }
      this.options.outbox.enqueue({
        lane: `operator-notice:${kind}`,
        kind: NOTICE_KIND,
        methods: ['chat.postMessage'],
        data: { notice: kind, channel, text: message },
      });
    });
    this.deciding.add(decision);
    void decision.finally(() => this.deciding.delete(decision));
  }

  /** Waits (at most `timeoutMs`) until every notice asked for is queued in the outbox or decided against. */
  async settled(timeoutMs = 2_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([Promise.allSettled([...this.deciding]), timeout]);
    clearTimeout(timer);
  }

  private async deliver(delivery: OutboxDelivery): Promise<void> {
    const channel = dataString(delivery.entry, 'channel');
    await delivery.post('', { channel, text: dataString(delivery.entry, 'text') });
    this.options.logger.info({ kind: delivery.entry.data.notice, channel }, 'told operators in Slack');
  }

  private async firstInWindow(kind: OperatorNoticeKind): Promise<boolean> {
    try {
      return await this.options.seen.firstSeen(`operator-notice:${kind}`, this.options.windowMs ?? OPERATOR_NOTICE_WINDOW_MS);
    } catch (err) {
      // A duplicate notice beats a missing one: operators must hear that paging is broken.
      this.options.logger.warn({ err, kind }, 'could not check in the store whether operators were already told; telling them anyway');
      return true;
    }
  }

  private compose(text: string): string {
    const scrubbed = this.secrets.reduce((out, secret) => out.split(secret).join('[Redacted]'), maskSecrets(text));
    const chars = [...scrubbed];
    const short = chars.length > MAX_NOTICE_CHARS ? `${chars.slice(0, MAX_NOTICE_CHARS - 1).join('')}…` : scrubbed;
    const mentions = operatorMentions(this.options.operators);
    // Escaped: an upstream error quoted in the text must never become a live @channel or link.
    return `${mentions ? `${mentions} ` : ''}:rotating_light: ${escapeMrkdwn(short)}`;
  }
}

/**
 * `<!subteam^S…>` for usergroups and `<@U…>` for users (Slack's mention syntax); anything else
 * is left out rather than posted as text that might be markup.
 */
export function operatorMentions(operators: readonly string[]): string {
  return [...new Set(operators)]
    .flatMap((id) => (USERGROUP_ID.test(id) ? [`<!subteam^${id}>`] : USER_ID.test(id) ? [`<@${id}>`] : []))
    .join(' ');
}

/** The parts of a PagingError a notice uses. */
export interface PagingRefusal {
  message: string;
  hint: string;
}

/** The notice for PagerDuty refusing the routing key or endpoint (`pager.onAuthFailure`). */
export function pagingAuthNotice(error: PagingRefusal): string {
  return (
    `${error.message}. Until it is fixed, page on-call by hand. ` +
    `To fix: ${error.hint}, then restart Lifeboat; pages queued meanwhile are kept and go out then.`
  );
}

/** The parts of a StatusPageError a notice uses. */
export interface StatusPageRefusal {
  httpStatus?: number;
  hint?: string;
}

/** The notice for Statuspage refusing the API key (`createStatusPage`'s `onAuthFailure`). */
export function statusPageAuthNotice(error: StatusPageRefusal): string {
  const what =
    error.httpStatus === 403
      ? "Statuspage does not let Lifeboat's API key post to the page (HTTP 403)"
      : `Statuspage refuses Lifeboat's API key${error.httpStatus !== undefined ? ` (HTTP ${error.httpStatus})` : ''}`;
  const fix = error.hint ?? 'check STATUSPAGE_API_KEY and statuspage.pageId';
  // Every approved post still tries once, so access restored on Statuspage's side needs no restart.
  return `${what}, so approved status-page updates are not published. To fix: ${fix} (a new key takes a restart of Lifeboat).`;
}
