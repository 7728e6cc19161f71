import { formatIncidentId } from '../core/incident.js';

// "INC-42", "inc-42", "INC42" or just "42"; at most 9 digits so the number stays exact.
const INCIDENT_ID = /^(?:inc-?)?(\d{1,9})$/i;

/** The canonical incident id (`INC-42`) for what a person typed, or null when it is not one. */
export function parseIncidentId(word: string): string | null {
  const match = INCIDENT_ID.exec(word);
  if (!match) return null;
  const sequence = Number(match[1]);
  return sequence >= 1 ? formatIncidentId(sequence) : null;
}
