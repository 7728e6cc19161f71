/**
 * Stable Block Kit ids. Everything Lifeboat puts on a button or modal starts with `lifeboat.`;
 * the approval module adds its own (`lifeboat.approval.*`) and registers listeners on the same
 * Bolt app, so every click arrives through the same verified receiver.
 */
export const ACTION_IDS = {
  acknowledge: 'lifeboat.incident.acknowledge',
  page: 'lifeboat.incident.page',
  resolve: 'lifeboat.incident.resolve',
  statusPage: 'lifeboat.incident.statuspage',
  /** Suffixed with `:<runbook>`, one button per linked runbook (ids must be unique per block). */
  proposeFailover: 'lifeboat.incident.propose_failover',
  proposeRestore: 'lifeboat.incident.propose_restore',
} as const;

/** Matches every incident button's action_id (with or without a `:<runbook>` suffix). */
export const INCIDENT_ACTION_PATTERN = /^lifeboat\.incident\.[a-z_]+(?::[a-z0-9_-]+)?$/;

/** Modal ids. */
export const VIEW_IDS = {
  statusPage: 'lifeboat.statuspage.modal',
} as const;

/** The status select inside the status page modal: choosing a status swaps in its message template. */
export const STATUS_SELECT_ACTION_ID = 'lifeboat.statuspage.status';

/** Block and input ids inside the status page modal. */
export const STATUS_MODAL_FIELDS = {
  status: 'status',
  /** Followed by `:<status>`: a new block id per template makes Slack show the new prefilled text. */
  message: 'message',
  /** Followed by `:<component name>`. */
  componentPrefix: 'component',
} as const;
