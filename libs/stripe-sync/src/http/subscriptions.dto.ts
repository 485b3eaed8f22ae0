import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { SUBSCRIPTION_ID } from './stripe-id.pipe.js';

export const MAX_IDS_PER_REQUEST = 1000;
export const MAX_BATCH_SIZE = 1000;

const SUBSCRIPTION_STATUSES = [
  'incomplete',
  'incomplete_expired',
  'trialing',
  'active',
  'past_due',
  'canceled',
  'unpaid',
  'paused',
];

export class SyncByIdsBody {
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(MAX_IDS_PER_REQUEST)
  @IsString({ each: true })
  @MaxLength(255, { each: true })
  @Matches(SUBSCRIPTION_ID, {
    each: true,
    message: 'each value in ids must be a Stripe subscription id (sub_ followed by letters, digits or _)',
  })
  ids: string[];
}

/** Each entry's `id` and `object` are checked by the action, which names the entry that is wrong. */
export class SyncBatchBody {
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(MAX_BATCH_SIZE)
  @IsObject({ each: true, message: 'each value in batch must be a Stripe subscription object' })
  batch: Record<string, unknown>[];
}

export class ListSubscriptionsQuery {
  @IsOptional()
  @IsIn(SUBSCRIPTION_STATUSES)
  status?: string;

  @IsOptional()
  @Matches(/^cus_[A-Za-z0-9_]+$/, { message: 'customer must be a Stripe customer id (cus_…)' })
  @MaxLength(255)
  customer?: string;

  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'includeDeleted must be true or false' })
  includeDeleted?: boolean;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @IsOptional()
  @MaxLength(255)
  @Matches(SUBSCRIPTION_ID, { message: 'startingAfter must be a Stripe subscription id' })
  startingAfter?: string;
}
