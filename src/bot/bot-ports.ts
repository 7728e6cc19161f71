import type { ReadinessReport } from '../readiness/readiness-evaluator.js';
import type { types } from '@slack/bolt';
import type { ActionRequest, Actor } from '../core/action-request.js';
import type { Incident } from '../core/incident.js';
import type { IncidentChange } from '../incidents/incident-engine.js';

/** A message for one person: plain text, optionally with Block Kit blocks (text is the fallback). */
export interface BotMessage {
  text: string;
  blocks?: types.KnownBlock[];
}

/** Answers the person who typed the command or clicked the button, visible only to them. */
export type Reply = (message: BotMessage) => Promise<void>;

/** Why a person-driven incident transition was refused. */
export type IncidentTransitionRefusal = 'not-found' | 'already-resolved' | 'already-acknowledged' | 'conflict';

export type IncidentTransitionResult =
  | { ok: true; change: IncidentChange }
  | { ok: false; reason: IncidentTransitionRefusal; message: string };

/** The incident engine's person-driven transitions (IncidentEngine implements them). */
export interface IncidentCommands {
  acknowledge(incidentId: string, actorUserId: string): Promise<IncidentTransitionResult>;
  resolve(incidentId: string, actorUserId: string, note?: string): Promise<IncidentTransitionResult>;
}

/** What paging said: `message` is a plain sentence for the person who asked. */
export type PageResult = { ok: true; message?: string } | { ok: false; message: string };

/** Pages on-call for an incident now (the paging module implements it). */
export type PageOnCall = (incident: Incident, actor: Actor) => Promise<PageResult>;

/**
 * Hands a validated request to the approval layer, which plans it, posts the approval request
 * and answers the requester through `reply` (the approval module implements it).
 */
export type SubmitAction = (request: ActionRequest, actor: Actor, reply: Reply) => Promise<void>;

/** A pending approval request, as `/dr approvals` and `/dr status` show it. */
export interface ApprovalSummary {
  id: string;
  /** "Failover orders to us-west-2". */
  title: string;
  requestedBy: string;
  /** Epoch ms. */
  requestedAt: number;
  expiresAt: number;
  approvedBy: string[];
  approvalsNeeded: number;
}

/** Lists pending approval requests, oldest first (the approval module implements it). */
/** `/dr readiness`: every runbook's pre-flight evaluated now, read-only (the readiness monitor). */
export type EvaluateReadiness = () => Promise<ReadinessReport>;

export type ListApprovals = () => Promise<ApprovalSummary[]>;
