import type Stripe from 'stripe';
import type { AccountData } from './emulator.account-data.js';
import type { AccountRegistry } from './emulator.accounts.js';
import type { StripeObject } from './emulator.events.js';
import { type BillingObject, type BillingObjects, isObjectType, type ObjectType } from './emulator.kinds.js';
import type { SeedOptions } from './emulator.seed.js';

/** The object types the emulator serves, by Stripe's `object` name. */
export type StripeEmulatorObjectType = ObjectType | 'subscription';

/** What `getObject` answers for each type: a deleted customer is still retrievable, as a stub. */
export interface StripeEmulatorObjects extends Omit<BillingObjects, 'customer'> {
  customer: Stripe.Customer | Stripe.DeletedCustomer;
  subscription: Stripe.Subscription;
}

/** Any object `putObject` takes. */
export type StripeEmulatorObject = BillingObject | Stripe.Subscription;

function objectType(type: string): ObjectType {
  if (!isObjectType(type)) throw new TypeError(`Not an object type the emulator serves: ${type}`);
  return type;
}

/**
 * The controls that read and change the data of one account, bypassing the API: the emulator's own
 * act on the platform, those of `emulator.account(id)` on a connected account. Like the API, they
 * see the one account only.
 */
export abstract class AccountControls {
  /** The data the controls act on. */
  protected abstract scope(): AccountData;

  /**
   * Adds generated subscriptions and the account around them: their customers (and `extraCustomers`
   * without subscriptions), the catalog of products and prices their items use, and each one's
   * newest invoices with their payment intents, charges and refunds. The same options give the same
   * data in the same order of seed calls; every account has a catalog of its own.
   */
  seed(options: SeedOptions | number): void {
    this.scope().seed(options);
  }

  /** All ids, any status: generated ones in the order they were generated, then the others in the order they were put. */
  listSubscriptionIds(): string[] {
    return this.scope().store.ids();
  }

  /**
   * The full object, with all items in `items.data`. It is the wire form, as in the JSON: decimals
   * such as `price.unit_amount_decimal` are strings where the SDK would give `Stripe.Decimal`s.
   */
  getSubscription(id: string): Stripe.Subscription | undefined {
    return this.scope().store.get(id);
  }

  /** Inserts or replaces a subscription (a full object, any number of items). Like the other mutators here, it raises no event. */
  putSubscription(subscription: Stripe.Subscription): void {
    this.scope().store.put(subscription);
  }

  /** Shallow-merges top-level fields; throws for an unknown id. */
  updateSubscription(id: string, patch: Partial<Stripe.Subscription>): Stripe.Subscription {
    return this.scope().store.update(id, patch);
  }

  removeSubscription(id: string): void {
    this.scope().store.remove(id);
  }

  /**
   * Inserts or replaces an object of any type the emulator serves, found by its `object` and `id`
   * (a subscription as `putSubscription` does). Like the other mutators here, it raises no event.
   * It does not look at other accounts: an id another account has is for the test to avoid.
   */
  putObject(object: StripeEmulatorObject): void {
    if (object.object === 'subscription') return this.putSubscription(object);
    this.scope().objects.put(object);
  }

  /**
   * A fresh copy in wire form (decimals are strings): an invoice with all its lines, a subscription with all
   * its items; a deleted customer as its stub `{ id, object: 'customer', deleted: true }`; or undefined.
   */
  getObject<T extends StripeEmulatorObjectType>(type: T, id: string): StripeEmulatorObjects[T] | undefined {
    if (type === 'subscription') return this.getSubscription(id) as StripeEmulatorObjects[T] | undefined;
    const { objects } = this.scope();
    return (objects.stub(objectType(type), id) ?? objects.get(objectType(type), id)) as StripeEmulatorObjects[T] | undefined;
  }

  /** Gone from lists and retrieve as if it had never existed (retrieve answers 404, even for a deleted customer). */
  removeObject(type: StripeEmulatorObjectType, id: string): void {
    if (type === 'subscription') return this.removeSubscription(id);
    this.scope().objects.remove(objectType(type), id);
  }

  /** The ids of one type: generated ones in the order they were generated, then the others in the order they were put. */
  listObjectIds(type: StripeEmulatorObjectType): string[] {
    return type === 'subscription' ? this.listSubscriptionIds() : this.scope().objects.ids(objectType(type));
  }

  /**
   * Logs an event about `object` as it is now, and sends it to the webhook endpoints: for events the
   * emulator does not raise itself, such as `customer.subscription.trial_will_end` or `invoice.paid`.
   * An event of a connected account carries its id in `account` and goes to the Connect endpoints.
   */
  emitEvent(type: string, object: StripeObject): Stripe.Event {
    return structuredClone(this.scope().emit(type, object, { id: null, idempotency_key: null }));
  }
}

/** The controls of one connected account: `emulator.account(id)`. */
export class StripeEmulatorAccount extends AccountControls {
  constructor(
    readonly id: string,
    private readonly accounts: AccountRegistry,
  ) {
    super();
  }

  /** The account's Account object, as `GET /v1/account` with its `Stripe-Account` header answers: a fresh copy. */
  retrieve(): Stripe.Account {
    return structuredClone(this.accounts.render(this.scope()));
  }

  /** Throws once the account is deleted. */
  protected scope(): AccountData {
    return this.accounts.dataOf(this.id);
  }
}
