import type { Actor } from '../core/action-request.js';
import type { Incident } from '../core/incident.js';
import type { IncidentChange } from '../incidents/incident-engine.js';
import type { PagingError } from './paging-error.js';
import type { PagingState, PagingStateListener } from './paging-state.js';

/** What `/dr page` and the Page button tell the person who asked: a plain sentence either way. */
export type PageNowResult = { ok: true; message: string } | { ok: false; message: string };

/** Readiness of paging in the shape of the server's ReadinessProbe. */
export interface PagingReadiness {
  name: 'paging';
  /**
   * False: a refused PagerDuty key breaks paging, not Slack or the monitor, so /readyz should show
   * it in its details without taking the replica out of rotation.
   */
  critical: false;
  /** Rejects with the reason while PagerDuty refuses the key or endpoint; resolves otherwise. */
  check(): Promise<void>;
}

/** Called once when PagerDuty starts refusing the routing key or endpoint (e.g. to tell operators). */
export type PagingFailureListener = (error: PagingError) => void;

/** PagerDuty paging: what the app wires to the incident engine, the bot and the server. */
export interface Pager {
  /** False when PAGERDUTY_ROUTING_KEY is not set: everything is a no-op and pageNow says so. */
  readonly enabled: boolean;
  /** For `engine.subscribe`: only queues (in the store), never waits for PagerDuty. */
  readonly onIncidentChange: (change: IncidentChange) => Promise<void>;
  /** Pages on-call for `incident` now, whatever its severity (`/dr page`, the Page button). */
  pageNow(incident: Incident, actor: Actor): Promise<PageNowResult>;
  /**
   * Takes back the incident's armed escalation timer (its check was silenced, SPEC §9); the
   * announcement at the silence's end arms it again by policy. Absent when paging is off.
   */
  holdEscalation?(incidentId: string): Promise<void>;
  /** Paging state of an incident for the Slack message; null when paging never touched it. */
  pagingState(incidentId: string): Promise<PagingState | null>;
  /** Paging state changes made by this process; returns the unsubscribe function. */
  subscribe(listener: PagingStateListener): () => void;
  /** See PagingFailureListener; returns the unsubscribe function. */
  onAuthFailure(listener: PagingFailureListener): () => void;
  /** For /readyz; null when paging is off. */
  readonly readiness: PagingReadiness | null;
  /** Starts delivering and sweeping escalations on an interval. */
  start(): void;
  /** Stops the loop, aborting a request in flight and handing its event back to the queue. */
  stop(): Promise<void>;
  /** One sweep and delivery run now (tests; a loop driven from outside). */
  runOnce(): Promise<void>;
}
