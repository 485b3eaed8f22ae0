import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, type Repository } from 'typeorm';
import type { ResolvedStripeSyncOptions } from '../interfaces/stripe-sync-options.interface.js';
import { MirrorWriter, type MirrorRecord, type MirrorTables } from '../persistence/mirror.writer.js';
import { StripeSubscriptionItem } from '../persistence/stripe-subscription-item.entity.js';
import { StripeSubscription } from '../persistence/stripe-subscription.entity.js';
import { StripeReader, type StripePage } from '../stripe/stripe-reader.js';
import { STRIPE_SYNC_OPTIONS } from '../stripe-sync.constants.js';
import { SyncLeases } from '../persistence/sync-leases.js';
import { SyncRunStore } from '../persistence/sync-run.store.js';
import { RequestTally, StripeActionService } from './stripe-action.service.js';
import type { PageRequest } from './stripe-backfill.js';
import {
  toSubscriptionItemRow,
  toSubscriptionRow,
  type SubscriptionItemPayload,
  type SubscriptionPayload,
} from './subscription.mapper.js';

const PAGE_SIZE = 100;

/** Mirrors `stripe.subscriptions` and their items (port of django-stripe's `StripeSubscriptionAction`). */
@Injectable()
export class SubscriptionActionService extends StripeActionService<StripeSubscription, SubscriptionPayload> {
  readonly objectName = 'subscription';
  readonly eventTypes = [
    'customer.subscription.created',
    'customer.subscription.updated',
    'customer.subscription.deleted',
    'customer.subscription.paused',
    'customer.subscription.resumed',
    'customer.subscription.pending_update_applied',
    'customer.subscription.pending_update_expired',
    'customer.subscription.trial_will_end',
  ];
  readonly tables: MirrorTables<StripeSubscription> = {
    target: StripeSubscription,
    children: [{ target: StripeSubscriptionItem, parentProperty: 'subscriptionId' }],
  };

  constructor(
    @InjectRepository(StripeSubscription) repository: Repository<StripeSubscription>,
    @InjectRepository(StripeSubscriptionItem) private readonly items: Repository<StripeSubscriptionItem>,
    writer: MirrorWriter,
    runs: SyncRunStore,
    leases: SyncLeases,
    private readonly stripe: StripeReader,
    @Inject(STRIPE_SYNC_OPTIONS) options: ResolvedStripeSyncOptions,
  ) {
    super(repository, writer, runs, leases, options);
  }

  /** The subscription's current (not soft-deleted) items, oldest first. */
  findItems(subscriptionId: string): Promise<StripeSubscriptionItem[]> {
    return this.items.find({ where: { subscriptionId, deletedAt: IsNull() }, order: { created: 'ASC', id: 'ASC' } });
  }

  protected listPage({ startingAfter, createdGte, createdLt }: PageRequest): Promise<StripePage<SubscriptionPayload>> {
    return this.stripe.list('/v1/subscriptions', {
      limit: PAGE_SIZE,
      // Without status 'all' Stripe leaves canceled subscriptions out.
      status: 'all',
      starting_after: startingAfter,
      created: { gte: createdGte, lt: createdLt ?? undefined },
    });
  }

  protected retrieve(id: string): Promise<SubscriptionPayload> {
    return this.stripe.retrieve(`/v1/subscriptions/${encodeURIComponent(id)}`);
  }

  protected invalidField(data: Record<string, unknown>): string | null {
    if (typeof data.status !== 'string') return 'status';
    if (typeof data.customer !== 'string' && typeof (data.customer as { id?: unknown } | null)?.id !== 'string') return 'customer';
    if (typeof data.created !== 'number') return 'created';
    const items = data.items as { data?: unknown } | undefined;
    if (items !== undefined && items !== null && !Array.isArray(items.data)) return 'items.data';
    return null;
  }

  protected async toRecord(subscription: SubscriptionPayload, tally: RequestTally | null): Promise<MirrorRecord<StripeSubscription>> {
    const embedded = subscription.items ?? { data: [], has_more: false };
    // Stripe embeds at most 10 items. The rest are listed only when it says there are more, and from the start:
    // one page holds every item (a subscription has at most 20), and no order of the two lists is assumed.
    const items = embedded.has_more && tally ? await this.listItems(subscription.id, tally) : embedded.data;
    const rows = items.map((item) => toSubscriptionItemRow(item, subscription.id));
    return {
      row: toSubscriptionRow(subscription, rows),
      children: [{ table: this.tables.children[0], rows, complete: !embedded.has_more || tally !== null }],
    };
  }

  private async listItems(subscriptionId: string, tally: RequestTally) {
    const items: SubscriptionItemPayload[] = [];
    let startingAfter: string | undefined;
    do {
      tally.count++;
      const page = await this.stripe.list<SubscriptionItemPayload>('/v1/subscription_items', {
        subscription: subscriptionId,
        limit: PAGE_SIZE,
        starting_after: startingAfter,
      });
      items.push(...page.data);
      startingAfter = page.has_more ? page.data.at(-1)?.id : undefined;
    } while (startingAfter);
    return items;
  }
}
