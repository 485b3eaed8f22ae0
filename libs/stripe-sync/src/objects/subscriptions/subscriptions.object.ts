import { StripeActionService } from '../../actions/stripe-action.service.js';
import { defineMirroredChild, defineMirroredObject } from '../mirrored-object.js';
import { SUBSCRIPTION_STATUSES } from '../stripe-codes.js';
import { StripeSubscriptionItem } from './stripe-subscription-item.entity.js';
import { StripeSubscription } from './stripe-subscription.entity.js';
import { toSubscriptionItemRow, toSubscriptionRow, type SubscriptionItemPayload, type SubscriptionPayload } from './subscription.mapper.js';

/** Mirrors `stripe.subscriptions` and their items (port of django-stripe's `StripeSubscriptionAction`). */
export class SubscriptionActionService extends StripeActionService<StripeSubscription, SubscriptionPayload> {
  /** The subscription's current (not soft-deleted) items, oldest first. */
  findItems(subscriptionId: string): Promise<StripeSubscriptionItem[]> {
    return this.findChildren(subscriptionId, subscriptions.children![0]) as Promise<StripeSubscriptionItem[]>;
  }
}

export const subscriptions = defineMirroredObject<StripeSubscription, SubscriptionPayload>({
  name: 'subscription',
  resource: 'subscriptions',
  idPrefixes: ['sub'],
  entity: StripeSubscription,
  service: SubscriptionActionService,
  // Without status 'all' Stripe leaves canceled subscriptions out.
  list: { path: '/v1/subscriptions', params: { status: 'all' } },
  toRow: (subscription, read, [items]) => toSubscriptionRow(subscription, items as StripeSubscriptionItem[], read),
  children: [
    defineMirroredChild({
      entity: StripeSubscriptionItem,
      field: 'items',
      parentProperty: 'subscriptionId',
      list: (subscription) => ({ path: '/v1/subscription_items', params: { subscription } }),
      toRow: (item: SubscriptionItemPayload, subscription: SubscriptionPayload, read) => toSubscriptionItemRow(item, subscription.id, read),
    }),
  ],
  eventTypes: [
    'customer.subscription.created',
    'customer.subscription.updated',
    // A canceled subscription: its row stays, with its final state.
    'customer.subscription.deleted',
    'customer.subscription.paused',
    'customer.subscription.resumed',
    'customer.subscription.pending_update_applied',
    'customer.subscription.pending_update_expired',
    'customer.subscription.trial_will_end',
  ],
  filters: {
    status: { property: 'status', kind: 'enum', values: SUBSCRIPTION_STATUSES },
    customer: { property: 'customerId', kind: 'id', prefixes: ['cus'] },
  },
  parents: ['customer', 'price'],
  invalidField: (data) => {
    if (typeof data.status !== 'string') return 'status';
    if (typeof data.customer !== 'string' && typeof (data.customer as { id?: unknown } | null)?.id !== 'string') return 'customer';
    const items = data.items as { data?: unknown } | undefined;
    if (items !== undefined && items !== null && !Array.isArray(items.data)) return 'items.data';
    return null;
  },
});
