import { SlackBotError } from './bot-errors.js';

export interface ResponseUrlPostOptions {
  timeoutMs: number;
  /** 429s answered by waiting and sending again before giving up. */
  maxRateLimitRetries: number;
  /** Waits out a 429's Retry-After (or throws when it is too long), as for Web API methods. */
  waitRetryAfter: (header: string | null) => Promise<void>;
}

/**
 * POSTs a message to a slash command's or interaction's response_url: one request, retried only
 * on 429 after its Retry-After. Failures are SlackBotErrors saying whether another try may work.
 */
export async function postToResponseUrl(responseUrl: string, body: string, options: ResponseUrlPostOptions): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    let response: Response;
    try {
      response = await fetch(responseUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (err) {
      throw responseUrlError(`could not reach the response_url: ${err instanceof Error ? err.message : String(err)}`, true, err);
    }
    const text = await response.text().catch(() => '');
    if (response.status === 429 && attempt < options.maxRateLimitRetries) {
      await options.waitRetryAfter(response.headers.get('retry-after'));
      continue;
    }
    if (response.ok) return;
    // Slack answers an expired or over-used response_url with 404 and a short reason, and a
    // refused message with 400 and the error name (invalid_blocks…) as the body.
    const reason = text.trim().slice(0, 100);
    const error = responseUrlError(`response_url answered HTTP ${response.status} ${reason}`, response.status >= 500, undefined);
    if (response.status === 400 && /^[a-z_]+$/.test(reason)) error.details.slackError = reason;
    throw error;
  }
}

function responseUrlError(message: string, retryable: boolean, cause: unknown): SlackBotError {
  return new SlackBotError(
    'LIFEBOAT_SLACK_RESPONSE_URL',
    message,
    {
      method: 'response_url',
      retryable,
      hint: 'a response_url works 5 times within 30 minutes of the command; later answers need chat.postEphemeral',
    },
    cause === undefined ? {} : { cause },
  );
}
