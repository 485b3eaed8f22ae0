/** What a completed full sync did: of one type, or of the whole account (`object: 'all'`, with each type's summary). */
export interface SyncAllSummary {
  runId: string;
  object: string;
  /** The connected account the run was for; absent for the platform's own objects. */
  account?: string;
  seen: number;
  /** Rows new to the mirror. */
  inserted: number;
  /** Rows whose Stripe data (`raw`) differed from the mirror's: the rows seen again unchanged are not counted. */
  updated: number;
  /** Rows Stripe no longer returned, marked deleted by the sweep. */
  softDeleted: number;
  /** Rows marked deleted that Stripe returned again. */
  restored: number;
  requests: number;
  startedAt: string;
  finishedAt: string;
  /** From `startedAt` to `finishedAt`: a run resumed after a stop counts the time it was stopped too. */
  durationMs: number;
  /** A run of the whole account: the run of each of the platform's types, in the order they ran. */
  objects?: SyncAllSummary[];
  /** A run of the whole account with Connect: what it did for each connected account. */
  accounts?: AccountSyncSummary[];
}

/** The runs of one connected account's types in a run of the whole account, added up. */
export interface AccountSyncSummary {
  account: string;
  /** Whether every type of the account completed. */
  completed: boolean;
  seen: number;
  inserted: number;
  updated: number;
  softDeleted: number;
  restored: number;
  requests: number;
}

/** A full sync that started: its run id at once, and its summary when it ends. */
export interface StartedSyncAll {
  runId: string;
  done: Promise<SyncAllSummary>;
}

export interface SyncFailure {
  id: string;
  error: string;
}

/** What `syncByIds()` did with each id. */
export interface SyncByIdsResult {
  synced: string[];
  /** Stripe answered `resource_missing`: soft-deleted in the mirror. */
  missing: string[];
  failed: SyncFailure[];
}

export interface SyncBatchResult {
  synced: string[];
}

/** Keyset pagination over the mirror, newest first like Stripe's lists. */
export interface MirrorListQuery {
  limit: number;
  startingAfter?: string;
  includeDeleted: boolean;
}

export interface MirrorPage<T> {
  data: T[];
  hasMore: boolean;
}
