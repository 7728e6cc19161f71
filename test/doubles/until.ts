/**
 * Polls `condition` every 20 ms until it holds; fails naming `what` after `timeoutMs`. For effects
 * that land in the background (outbox deliveries, the leader's loops), never to wait out time.
 */
export async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs}ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
