import { initialCheckState, type CheckState } from '../core/check-state.js';
import type { QuietPass } from './store.js';

/**
 * What a reader sees for a check: its committed state, with the latest recorded quiet pass laid
 * over it when that pass is newer. Quiet passes are written apart from the fenced state, so this
 * is where the two meet, and the rule keeps a pass from ever hiding a fenced write:
 *
 * - the pass counts only when its result started after the state's last result (a fenced commit
 *   of a later run, a failure, always wins, even if an older batch lands after it);
 * - and only over a state with no open or joined incident and no failure streak, the only state a
 *   quiet pass can follow, so the fields incidents depend on are always the committed ones.
 */
export function withQuietPass(checkId: string, state: CheckState | null, pass: QuietPass | null): CheckState | null {
  if (!pass) return state;
  const base = state ?? initialCheckState(checkId);
  if (base.consecutiveFailures !== 0 || base.openIncidentId !== null || base.joinedIncidentId !== undefined) return state;
  if (base.lastResult && pass.result.startedAt <= base.lastResult.startedAt) return state;
  return { ...base, consecutiveSuccesses: pass.consecutiveSuccesses, lastResult: pass.result };
}
