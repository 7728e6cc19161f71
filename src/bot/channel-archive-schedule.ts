/**
 * When each resolved incident's dedicated channel is due to be archived (config
 * `slack.archiveChannelsAfter`), kept in the store so a restart or another replica finds it, and
 * claimed atomically so exactly one replica archives each channel.
 */
export interface ChannelArchiveSchedule {
  /** Sets (or moves) the incident's archive time; epoch ms. */
  schedule(incidentId: string, dueAt: number): Promise<void>;
  /**
   * Up to `limit` incidents due at `now`, each claimed for `leaseMs`: its due time moves to
   * now + leaseMs, so no other replica takes it meanwhile and, if this one dies, it comes due again.
   */
  claimDue(now: number, leaseMs: number, limit: number): Promise<string[]>;
  /** Forgets the incident: its channel is archived (or there was none). */
  done(incidentId: string): Promise<void>;
}
