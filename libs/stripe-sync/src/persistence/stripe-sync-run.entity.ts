import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { CountColumn, TimestampColumn, UnixTimeColumn } from './mirror.columns.js';

export type SyncRunStatus = 'running' | 'completed' | 'failed';

/** What pages wrote: counted per slice, and for the whole run as the sums over its slices. */
export abstract class SyncWriteCounts {
  @CountColumn()
  inserted: number;

  @CountColumn()
  updated: number;

  @CountColumn()
  restored: number;
}

/**
 * One full sync of one kind of object, or of the whole account (`object: 'all'`, with a run of each type whose
 * `parentRunId` is its id); an unfinished one (process died, or failed) is resumed by the next.
 */
@Entity('stripe_sync_runs')
@Index(['object', 'status'])
export class StripeSyncRun extends SyncWriteCounts {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 64 })
  object: string;

  /** The run of the whole account this run is part of. */
  @Index()
  @Column({ name: 'parent_run_id', type: 'varchar', length: 36, nullable: true })
  parentRunId: string | null;

  /** The connected account the run is for; null for the platform's own objects. */
  @Index()
  @Column({ name: 'account_id', type: 'varchar', length: 255, nullable: true })
  account: string | null;

  @Column({ type: 'varchar', length: 16 })
  status: SyncRunStatus;

  @TimestampColumn({ name: 'started_at', nullable: false })
  startedAt: Date;

  @TimestampColumn({ name: 'finished_at' })
  finishedAt: Date | null;

  @CountColumn()
  seen: number;

  @CountColumn({ name: 'soft_deleted' })
  softDeleted: number;

  @CountColumn()
  requests: number;

  @Column({ type: 'text', nullable: true })
  error: string | null;
}

/**
 * A range of `created` times a run pages through on its own, newest first, and how far it got: slices are
 * paged in parallel, and a cursor saved with each page lets a resumed run go on where it stopped.
 */
@Entity('stripe_sync_slices')
export class StripeSyncSlice extends SyncWriteCounts {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Index()
  @Column({ name: 'run_id', type: 'varchar', length: 36 })
  runId: string;

  /** Unix seconds, inclusive. */
  @UnixTimeColumn({ name: 'created_gte' })
  createdGte: number;

  /** Unix seconds, exclusive; null: no upper bound. */
  @UnixTimeColumn({ name: 'created_lt', nullable: true })
  createdLt: number | null;

  /** The last object written, to page on from (`starting_after`). */
  @Column({ type: 'varchar', length: 255, nullable: true })
  cursor: string | null;

  /** `created` of the cursor object: what is left of the slice lies at or before it. */
  @UnixTimeColumn({ name: 'cursor_created', nullable: true })
  cursorCreated: number | null;

  @Column({ type: 'boolean', default: false })
  done: boolean;

  /** Objects the slice's pages wrote. */
  @CountColumn()
  objects: number;
}
