import { isThrottling } from '../aws/aws-error.js';
import { AwsGatewayError } from '../aws/aws-gateway-error.js';
import { exponentialDelayMs } from '../core/backoff.js';
import { ActionError } from './action-error.js';
import type { Sleeper } from './wait-until.js';

/** What describing the resource showed about a mutating call: did it take effect, in words. */
export interface Effect {
  took: boolean;
  observed: string;
}

/** How a mutating call was settled: AWS's own answer, or its effect read back after the answer was lost. */
export type Mutation<T> = { kind: 'answered'; value: T } | { kind: 'confirmed'; observed: string; lost: string };

export interface MutationEnv {
  sleep: Sleeper;
  signal?: AbortSignal;
}

/** Sends of a call AWS turned away (throttled, connection refused) before the run gives up. */
export const TURNED_AWAY_SENDS = 3;
/** First wait before re-sending a turned-away call; doubles each time. */
const TURNED_AWAY_WAIT_MS = 2_000; // 2 seconds
/**
 * How long after a lost answer the resource is described: RDS shows an accepted promotion or
 * restore (status `modifying`, a new identifier) and Route 53 an accepted change at once, but the
 * API is eventually consistent, so the look is not immediate.
 */
export const SETTLE_MS = 5_000; // 5 seconds

// The connection was never made: the request cannot have reached AWS.
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * Sends a mutating call once (its client never retries: see CallKind in aws/aws-clients.ts). When
 * AWS answers, that is the outcome; a refusal (4xx) is thrown as is. When AWS turned the call away
 * (throttling) it did not act: the resource is described to confirm nothing changed, and only
 * then is the call sent again. When the answer is lost (timeout, 5xx, reset) AWS may have acted:
 * the resource is described after SETTLE_MS; if the effect shows, the run carries on from it;
 * if not, the run stops without sending again, so nothing can ever happen twice.
 */
export async function sendMutation<T>(
  what: string,
  env: MutationEnv,
  send: () => Promise<T>,
  effect: () => Promise<Effect>,
): Promise<Mutation<T>> {
  for (let sends = 1; ; sends++) {
    let failure: AwsGatewayError;
    try {
      return { kind: 'answered', value: await send() };
    } catch (err) {
      if (!(err instanceof AwsGatewayError) || answeredByAws(err)) throw err;
      failure = err;
    }
    // Not reported as a transient retry: what was lost, and what reading back found, is the step's own message.
    const lost = `${failure.code}: ${failure.info.message}`;
    if (turnedAway(failure)) {
      const seen = await lookAfterLoss(what, lost, effect);
      if (seen.took) return { kind: 'confirmed', observed: seen.observed, lost };
      if (sends >= TURNED_AWAY_SENDS) {
        throw new ActionError(
          'LIFEBOAT_AWS_ERROR',
          `${what} failed: AWS turned the call away ${sends} times (${lost}) and ${seen.observed}, so nothing changed. Request again in a minute.`,
          lost,
        );
      }
      await pause(what, env, exponentialDelayMs(sends, { baseMs: TURNED_AWAY_WAIT_MS, maxMs: 4 * TURNED_AWAY_WAIT_MS }));
      continue;
    }
    await pause(what, env, SETTLE_MS);
    const seen = await lookAfterLoss(what, lost, effect);
    if (seen.took) return { kind: 'confirmed', observed: seen.observed, lost };
    throw new ActionError(
      'LIFEBOAT_AWS_OUTCOME_UNKNOWN',
      `${what}: AWS did not answer (${lost}), and ${SETTLE_MS / 1000} s later ${seen.observed}: it shows no effect. ` +
        'It was not sent again, so nothing can have happened twice. Check it in the AWS console, then request again.',
      lost,
    );
  }
}

/**
 * Sleeps; a run stopped meanwhile (hand-back, lease lost) ends interrupted, its locks kept: whether
 * the call took effect is not known yet, and it is not sent again.
 */
async function pause(what: string, env: MutationEnv, ms: number): Promise<void> {
  try {
    await env.sleep(ms, env.signal);
  } catch {
    throw new ActionError(
      'LIFEBOAT_RUN_ABORTED',
      `Lifeboat was stopping while finding out whether "${what}" took effect; it was not sent again. Check it in the AWS console.`,
    );
  }
}

/** AWS answered and said no (a 4xx other than throttling): the call did not act, and re-sending would not help. */
function answeredByAws(err: AwsGatewayError): boolean {
  return !err.info.retryable && !turnedAway(err);
}

function turnedAway(err: AwsGatewayError): boolean {
  return isThrottling(err.info) || NEVER_SENT.has(err.info.code);
}

async function lookAfterLoss(what: string, lost: string, effect: () => Promise<Effect>): Promise<Effect> {
  try {
    return await effect();
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new ActionError(
      'LIFEBOAT_AWS_OUTCOME_UNKNOWN',
      `${what}: AWS did not answer (${lost}), and reading the resource back failed too (${reason}): whether it took effect is unknown. ` +
        'It was not sent again. Check it in the AWS console before requesting again.',
      `${lost}; describe: ${reason}`,
    );
  }
}
