import type { PageNowResult, Pager } from './pager.js';

/** The pager when PAGERDUTY_ROUTING_KEY is not set: nothing is queued or sent. */
export class DisabledPager implements Pager {
  readonly enabled = false;
  readonly readiness = null;

  readonly onIncidentChange = async (): Promise<void> => {};

  async pageNow(): Promise<PageNowResult> {
    return { ok: false, message: 'Paging is off in this Lifeboat (no PagerDuty integration key is set). Call on-call directly.' };
  }

  async pagingState(): Promise<null> {
    return null;
  }

  subscribe(): () => void {
    return () => {};
  }

  onAuthFailure(): () => void {
    return () => {};
  }

  start(): void {}

  async stop(): Promise<void> {}

  async runOnce(): Promise<void> {}
}
