import { Entity } from 'typeorm';
import { CodeColumn, FlagColumn, IdColumn, JsonColumn, TimestampColumn } from '../../persistence/mirror.columns.js';
import { MirroredStripeObject } from '../../persistence/mirrored-stripe-object.js';

/**
 * One connected account of the platform as last seen (with Connect). Its `account_id` is the platform's: it is the
 * platform's list that holds it. A deauthorized account keeps its row, soft-deleted, as do its objects' rows.
 */
@Entity('stripe_accounts')
export class StripeAccount extends MirroredStripeObject {
  /** `standard`, `express` or `custom`. */
  @CodeColumn()
  type: string | null;

  /** `business_profile.name`. */
  @IdColumn({ name: 'business_name', length: 512, nullable: true })
  businessName: string | null;

  @IdColumn({ length: 512, nullable: true })
  email: string | null;

  @CodeColumn()
  country: string | null;

  @FlagColumn({ name: 'charges_enabled' })
  chargesEnabled: boolean | null;

  @FlagColumn({ name: 'payouts_enabled' })
  payoutsEnabled: boolean | null;

  @FlagColumn({ name: 'details_submitted' })
  detailsSubmitted: boolean | null;

  /** Each capability and its status, such as `{ card_payments: 'active' }`. */
  @JsonColumn({ nullable: true })
  capabilities: Record<string, string> | null;

  @TimestampColumn({ nullable: false })
  created: Date;
}
