/**
 * What every mirrored table has: the Stripe id as key, the account the object belongs to (null: the platform's own
 * account), a soft-delete mark, when Stripe's data was observed (an event's time, or a request's) and when the row
 * was last written.
 */
export interface MirrorEntity {
  id: string;
  accountId: string | null;
  deletedAt: Date | null;
  observedAt: Date;
  syncedAt: Date;
}

/** A row to write: everything but the bookkeeping columns the writer sets itself. */
export type MirrorRow<TEntity extends MirrorEntity> = Omit<TEntity, 'accountId' | 'deletedAt' | 'observedAt' | 'syncedAt'>;
