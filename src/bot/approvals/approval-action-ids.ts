/**
 * Block Kit ids of the approval flow, under the `lifeboat.approval.` prefix so they never collide
 * with the incident buttons (`lifeboat.incident.*`) registered on the same Bolt app.
 */
export const APPROVAL_ACTION_IDS = {
  approve: 'lifeboat.approval.approve',
  reject: 'lifeboat.approval.reject',
  /** On an interrupted run's message: frees the locks it kept, after someone checked AWS. */
  release: 'lifeboat.approval.release',
  /** On a failed or interrupted run's message: requests `/dr resume` of it (a new approval request). */
  resume: 'lifeboat.approval.resume',
} as const;

/** Block id of the button row on the approval message: Approve / Reject, or Resume and Release locks. */
export const APPROVAL_ACTIONS_BLOCK = 'lifeboat.approval.actions';

/** callback_id of the type-to-confirm modal. */
export const APPROVAL_CONFIRM_VIEW_ID = 'lifeboat.approval.confirm';

/** Block and action id of the confirmation input; `response_action: errors` keys errors by this block id. */
export const CONFIRM_INPUT = { blockId: 'confirm', actionId: 'confirm' } as const;

/** Approval ids as the engine makes them (`APR-<n>`); a button value is checked against this, never trusted. */
export const APPROVAL_ID_PATTERN = /^APR-[1-9][0-9]{0,15}$/;

/** True when `value` is an approval id Lifeboat could have put on a button. */
export function isApprovalId(value: unknown): value is string {
  return typeof value === 'string' && APPROVAL_ID_PATTERN.test(value);
}
