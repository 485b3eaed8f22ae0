import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { IdColumn, TimestampColumn } from '../persistence/mirror.columns.js';

export type StripeEventStatus = 'processing' | 'processed' | 'ignored' | 'failed';
export type StripeEventSource = 'webhook' | 'catch-up';

/**
 * Every Stripe event the module received, by webhook or by catch-up. The primary key is the event id: it is
 * what makes a second delivery a no-op, even when two arrive at once.
 */
@Entity('stripe_events')
export class StripeEvent {
  @PrimaryColumn({ type: 'varchar', length: 255 })
  id: string;

  @Index()
  @Column({ type: 'varchar', length: 128 })
  type: string;

  @TimestampColumn({ nullable: false })
  created: Date;

  @Column({ type: 'boolean', default: false })
  livemode: boolean;

  /** The Stripe object the event is about. */
  @Index()
  @IdColumn({ name: 'object_id', nullable: true })
  objectId: string | null;

  @Index()
  @Column({ type: 'varchar', length: 16 })
  status: StripeEventStatus;

  /**
   * For processed events: `applied`, `stale` (the mirror held newer data), `refetched` (tie, re-retrieved) or `deleted`;
   * for ignored ones, `invalid` when the event can never be applied (`error` says why).
   */
  @Column({ type: 'varchar', length: 16, nullable: true })
  outcome: string | null;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  /** Errors of the host app's @OnStripeEvent handlers; they do not fail the event. */
  @Column({ name: 'handler_error', type: 'text', nullable: true })
  handlerError: string | null;

  @Column({ type: 'integer', default: 1 })
  attempts: number;

  @Column({ type: 'varchar', length: 16 })
  source: StripeEventSource;

  @TimestampColumn({ name: 'received_at', nullable: false })
  receivedAt: Date;

  /** When the current attempt started; an attempt older than the lease is taken over by the next delivery. */
  @TimestampColumn({ name: 'claimed_at', nullable: false })
  claimedAt: Date;

  @TimestampColumn({ name: 'processed_at' })
  processedAt: Date | null;
}
