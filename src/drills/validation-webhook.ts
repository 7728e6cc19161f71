/** What the validation webhook is told about the restored database (SPEC §10). */
export interface ValidationRequest {
  endpoint: string;
  port: number;
  engine: string;
  drill: string;
  runId: string;
}

export type Validation = { valid: true; status: number } | { valid: false; reason: string };

/** Most of a refusing answer's body shown in the drill's report, characters. */
const SHOWN_BODY_CHARS = 200;

/**
 * POSTs the restored database's coordinates as JSON to the drill's webhook, once: it may run
 * queries against the copy, and a second call would be a second validation, not a retry. 2xx
 * means valid; any other status, a timeout or a connection error means not valid, with the reason.
 * With `token` (LIFEBOAT_DRILL_<NAME>_TOKEN) it is sent as a bearer token, so the webhook can
 * refuse callers other than Lifeboat (it connects to whatever endpoint it is told).
 */
export async function callValidationWebhook(url: string, timeoutMs: number, body: ValidationRequest, token?: string): Promise<Validation> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const error = err as Error & { cause?: { code?: string } };
    const why = error.name === 'TimeoutError' ? `no answer within ${Math.round(timeoutMs / 1000)}s` : (error.cause?.code ?? error.message);
    return { valid: false, reason: `the validation webhook failed: ${why}` };
  }
  const text = (await response.text().catch(() => '')).slice(0, SHOWN_BODY_CHARS).trim();
  if (response.status >= 200 && response.status < 300) return { valid: true, status: response.status };
  return { valid: false, reason: `the validation webhook answered ${response.status}${text ? `: ${text}` : ''}` };
}
