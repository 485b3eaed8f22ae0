import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, In, IsNull } from 'typeorm';
import type { ResolvedStripeSyncOptions } from '../interfaces/stripe-sync-options.interface.js';
import { StripeSubscriptionItem } from '../objects/subscriptions/stripe-subscription-item.entity.js';
import { StripeSubscription } from '../objects/subscriptions/stripe-subscription.entity.js';
import { STRIPE_SYNC_OPTIONS } from '../stripe-sync.constants.js';
import type { ForAccount } from './stripe-action.service.js';

/** A subscription with what it is a subscription to, as the mirror holds it. */
export interface CustomerSubscription {
  id: string;
  status: string;
  currentPeriodEnd: Date | null;
  items: {
    id: string;
    quantity: number | null;
    /** Null fields when the price is not (yet) mirrored. */
    price: { id: string | null; lookupKey: string | null; unitAmount: number | null; currency: string | null; recurring: Recurring | null };
    product: { id: string | null; name: string | null };
  }[];
}

interface Recurring {
  interval: string | null;
  intervalCount: number | null;
  usageType: string | null;
}

/** What a subscription must include for `isSubscribed`: any of them given. */
export interface SubscriptionMatch {
  product?: string;
  price?: string;
  lookupKey?: string;
}

/** Answers everyday billing questions from the mirror alone, without a request to Stripe. */
@Injectable()
export class StripeMirrorQuery {
  private readonly activeStatuses: string[];

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(STRIPE_SYNC_OPTIONS) options: Pick<ResolvedStripeSyncOptions, 'pastDueIsActive'>,
  ) {
    this.activeStatuses = ['active', 'trialing', ...(options.pastDueIsActive ? ['past_due'] : [])];
  }

  /**
   * The customer's subscriptions that are not soft-deleted, newest first, each item with its price and product;
   * with `account`, only in that connected account's objects.
   */
  async customerSubscriptions(customerId: string, { account }: ForAccount = {}): Promise<CustomerSubscription[]> {
    const subscriptions = await this.dataSource.getRepository(StripeSubscription).find({
      where: { customerId, deletedAt: IsNull(), ...(account && { accountId: account }) },
      order: { created: 'DESC', id: 'DESC' },
    });
    const items = await this.dataSource.getRepository(StripeSubscriptionItem).find({
      where: { subscriptionId: In(subscriptions.map((subscription) => subscription.id)), deletedAt: IsNull() },
      relations: { price: { product: true }, product: true },
      order: { created: 'ASC', id: 'ASC' },
    });
    return subscriptions.map((subscription) => ({
      id: subscription.id,
      status: subscription.status,
      currentPeriodEnd: subscription.currentPeriodEnd,
      items: items.filter((item) => item.subscriptionId === subscription.id).map(describeItem),
    }));
  }

  /** Subscriptions that give access now: `active` and `trialing` (and `past_due` with the option `pastDueIsActive`). */
  async activeSubscriptions(customerId: string, options: ForAccount = {}): Promise<CustomerSubscription[]> {
    return (await this.customerSubscriptions(customerId, options)).filter((subscription) =>
      this.activeStatuses.includes(subscription.status),
    );
  }

  /** Whether the customer has an active subscription (to this product, price or lookup key, if given). */
  async isSubscribed(customerId: string, match: SubscriptionMatch = {}, options: ForAccount = {}): Promise<boolean> {
    return (await this.activeSubscriptions(customerId, options)).some((subscription) =>
      subscription.items.some(
        (item) =>
          (match.product === undefined || item.product.id === match.product) &&
          (match.price === undefined || item.price.id === match.price) &&
          (match.lookupKey === undefined || item.price.lookupKey === match.lookupKey),
      ),
    );
  }
}

function describeItem(item: StripeSubscriptionItem): CustomerSubscription['items'][number] {
  const { price } = item;
  const product = item.product ?? price?.product ?? null;
  return {
    id: item.id,
    quantity: item.quantity,
    price: {
      id: item.priceId,
      lookupKey: price?.lookupKey ?? null,
      unitAmount: price?.unitAmount ?? null,
      currency: price?.currency ?? null,
      recurring: price?.recurringInterval
        ? { interval: price.recurringInterval, intervalCount: price.recurringIntervalCount, usageType: price.recurringUsageType }
        : null,
    },
    product: { id: item.productId ?? price?.productId ?? null, name: product?.name ?? null },
  };
}
