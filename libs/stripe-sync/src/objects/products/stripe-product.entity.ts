import { Entity, Index } from 'typeorm';
import { FlagColumn, IdColumn, TextColumn, TimestampColumn } from '../../persistence/mirror.columns.js';
import { MirroredStripeObject } from '../../persistence/mirrored-stripe-object.js';

/** One Stripe product as last seen; a deleted product keeps its row, soft-deleted. */
@Entity('stripe_products')
export class StripeProduct extends MirroredStripeObject {
  @TextColumn()
  name: string | null;

  @TextColumn()
  description: string | null;

  @Index()
  @FlagColumn()
  active: boolean | null;

  @IdColumn({ name: 'default_price_id', nullable: true })
  defaultPriceId: string | null;

  @IdColumn({ name: 'tax_code_id', nullable: true })
  taxCodeId: string | null;

  @IdColumn({ name: 'unit_label', nullable: true })
  unitLabel: string | null;

  @FlagColumn()
  livemode: boolean | null;

  @TimestampColumn({ nullable: false })
  created: Date;
}
