import { describe, expect, it } from '@jest/globals';
import { loadFixture } from '../../../../../test/support/fixtures.js';
import { toSubscriptionItemRow, toSubscriptionRow, type SubscriptionItemPayload, type SubscriptionPayload } from './subscription.mapper.js';

const at = (seconds: number) => new Date(seconds * 1000);

function mapWithItems(subscription: SubscriptionPayload) {
  const items = subscription.items.data.map((item) => toSubscriptionItemRow(item as SubscriptionItemPayload, subscription.id));
  return { row: toSubscriptionRow(subscription, items), items };
}

describe('subscription mapping', () => {
  it('maps the current API shape, taking the period from the items', () => {
    const subscription = loadFixture<SubscriptionPayload>('subscription.current.json');
    const { row, items } = mapWithItems(subscription);

    expect(row).toMatchObject({
      id: 'sub_1Pgc6rB7WZ01zgkWNy0Cn5nw',
      customerId: 'cus_QXg1o8vcGmoR32',
      status: 'active',
      currency: 'usd',
      collectionMethod: 'charge_automatically',
      cancelAtPeriodEnd: true,
      cancelAt: at(1234567890),
      created: at(1234567890),
      livemode: false,
      latestInvoiceId: null,
      metadata: {},
    });
    expect(row.currentPeriodStart).toEqual(at(1896570518));
    expect(row.currentPeriodEnd).toEqual(at(976287773));
    expect(row.raw).toEqual(subscription);
    expect(items).toEqual([
      expect.objectContaining({
        id: 'si_QXhVnC2h0Jczwc',
        subscriptionId: subscription.id,
        priceId: 'price_1PgafmB7WZ01zgkW6dKueIc5',
        productId: 'prod_QXg1hqf4jFNsqG',
        quantity: 1,
        currentPeriodStart: at(1896570518),
        currentPeriodEnd: at(976287773),
        created: at(1721954054),
      }),
    ]);
  });

  it('maps the 2023-08-16 shape, taking the period from the subscription', () => {
    const subscription = loadFixture<SubscriptionPayload>('subscription.2023-08-16.json');
    const { row, items } = mapWithItems(subscription);

    expect(row).toMatchObject({
      id: 'sub_1NnmX4GPxmnHQRkJrhGrFloA',
      customerId: 'cus_Oaxlz8kB0PJWGa',
      cancelAtPeriodEnd: false,
      currentPeriodStart: at(1234567890),
      currentPeriodEnd: at(1234567890),
    });
    expect(items[0]).toMatchObject({ priceId: 'price_1NnlpZGPxmnHQRkJuWjM7eRV', currentPeriodStart: null, currentPeriodEnd: null });
  });

  it('accepts the django-stripe example: null cancel_at_period_end, item with plan and no price', () => {
    const [subscription] = loadFixture<SubscriptionPayload[]>('django-stripe-sync-batch.json');
    const { row, items } = mapWithItems(subscription);

    expect(row).toMatchObject({
      cancelAtPeriodEnd: false,
      cancelAt: null,
      endedAt: null,
      trialStart: null,
      latestInvoiceId: 'in_1MowQVLkdIwHu7ixeRlqHVzv',
      currentPeriodStart: at(1643715200),
      currentPeriodEnd: at(1646307200),
    });
    expect(items[0]).toMatchObject({ priceId: 'price_1MowQVLkdIwHu7ixeRlqHVzb', productId: 'prod_NhD8HD2bY8dP3V' });
  });

  it('spans the earliest start and latest end of many items when the subscription has no period', () => {
    const subscription = loadFixture<SubscriptionPayload>('subscription.current.json');
    const template = subscription.items.data[0];
    const periods = [
      [300, 900],
      [100, 500],
      [200, 1200],
    ];
    const items = periods.map(([start, end], i) =>
      toSubscriptionItemRow({ ...template, id: `si_${i}`, current_period_start: start, current_period_end: end }, subscription.id),
    );
    const row = toSubscriptionRow(subscription, items);
    expect(row.currentPeriodStart).toEqual(at(100));
    expect(row.currentPeriodEnd).toEqual(at(1200));
  });

  it('reads expanded and deleted references as ids, and missing optional fields as null', () => {
    const subscription = loadFixture<SubscriptionPayload>('subscription.current.json');
    const expanded = {
      ...subscription,
      customer: { id: 'cus_deleted', object: 'customer', deleted: true },
      latest_invoice: { id: 'in_expanded' },
      metadata: null,
      trial_end: undefined,
      items: { ...subscription.items, data: [] },
    } as unknown as SubscriptionPayload;
    const row = toSubscriptionRow(expanded, []);
    expect(row).toMatchObject({
      customerId: 'cus_deleted',
      latestInvoiceId: 'in_expanded',
      metadata: {},
      trialEnd: null,
      currentPeriodStart: null,
      currentPeriodEnd: null,
    });
  });
});
