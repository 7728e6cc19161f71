/** Where paging stands for one incident, as the Slack incident message shows it. */
export type PagingStatus =
  /** Below pageAt: will be paged at `escalationDueAt` unless acknowledged or resolved first. */
  | 'scheduled'
  /** A trigger is waiting for delivery (first attempt, or retrying through an outage). */
  | 'queued'
  /** PagerDuty accepted the trigger: on-call is being paged. */
  | 'triggered'
  /** PagerDuty accepted the acknowledge. */
  | 'acknowledged'
  /** PagerDuty accepted the resolve. */
  | 'resolved'
  /** PagerDuty refused an event (400), or refuses our routing key; `reason` says which. */
  | 'failed';

export const PAGING_STATUSES: readonly PagingStatus[] = ['scheduled', 'queued', 'triggered', 'acknowledged', 'resolved', 'failed'];

/** Paging state of one incident, kept in the store so every replica and a restart see the same. */
export interface PagingState {
  incidentId: string;
  status: PagingStatus;
  /** Epoch ms of the latest status change. */
  at: number;
  /** Why, in a plain sentence fragment: "SEV1 is at or above pageAt (SEV2)". */
  reason: string;
  /** Slack user id of the person behind it (Page button, ack, resolve), when a person did it. */
  actor?: string;
  /** `scheduled` only: epoch ms when an unacknowledged incident gets paged. */
  escalationDueAt?: number;
  /** Set while an event for this incident is being retried. */
  retrying?: {
    attempts: number;
    /** What went wrong last, safe to show: "PagerDuty answered HTTP 503". */
    lastError: string;
    /** Epoch ms of the next attempt. */
    nextAttemptAt: number;
  };
}

/** Called after this process changed an incident's paging state. */
export type PagingStateListener = (state: PagingState) => void;

/** True when `value` has the shape of a PagingState (store values are checked on read). */
export function isPagingState(value: unknown): value is PagingState {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.incidentId === 'string' &&
    typeof v.status === 'string' &&
    (PAGING_STATUSES as readonly string[]).includes(v.status) &&
    typeof v.at === 'number' &&
    typeof v.reason === 'string'
  );
}
