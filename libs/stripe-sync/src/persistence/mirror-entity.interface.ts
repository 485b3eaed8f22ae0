/** What every mirrored table has: the Stripe id as key, a soft-delete mark and the time it was last written. */
export interface MirrorEntity {
  id: string;
  deletedAt: Date | null;
  syncedAt: Date;
}

/** A row to write: everything but the bookkeeping columns the writer sets itself. */
export type MirrorRow<TEntity extends MirrorEntity> = Omit<TEntity, 'deletedAt' | 'syncedAt'>;
