import type Stripe from 'stripe';
import { generateBilling } from './emulator.billing.js';
import { EventLog, type StripeObject } from './emulator.events.js';
import { type ObjectType, wireForm } from './emulator.kinds.js';
import type { ChildListOrder } from './emulator.list.js';
import { ObjectStore } from './emulator.objects.js';
import type { SeedOptions } from './emulator.seed.js';
import { SubscriptionStore } from './emulator.store.js';

/** What the data of an account needs from the emulator around it. */
export interface AccountHooks {
  now(): number;
  /** Sends a new event to the webhook endpoints. */
  dispatch(event: Stripe.Event): void;
  /** The index of the next seed call, counted over all accounts: generated ids encode it, so they never repeat. */
  nextBatch(): number;
}

/**
 * The data of one account, the platform or a connected account: its objects of every type and its
 * events, apart from every other account's. A request is served from the one its `Stripe-Account`
 * header names, so that an object of another account answers 404 as a missing one does.
 */
export class AccountData {
  readonly store = new SubscriptionStore();
  readonly objects = new ObjectStore();
  readonly events = new EventLog();

  constructor(
    readonly id: string,
    /** False for the platform: its events carry no `account`, and only it manages connected accounts. */
    readonly connected: boolean,
    /** Names the account's generated catalog; '' for the platform (see `catalogId` in emulator.seed.ts). */
    readonly catalog: string,
    private readonly hooks: AccountHooks,
  ) {}

  /** See `StripeEmulator.seed`. */
  seed(options: SeedOptions | number): void {
    const generated = this.store.seed(
      typeof options === 'number' ? { subscriptions: options } : options,
      this.hooks.nextBatch(),
      this.catalog,
    );
    const billing = generateBilling(generated);
    for (const [type, entries] of Object.entries(billing.catalog)) this.objects.addIfAbsent(type as ObjectType, entries);
    for (const [type, entries] of Object.entries(billing.entries)) this.objects.add(type as ObjectType, entries);
    for (const [invoice, intent] of billing.intents) this.objects.linkIntent(invoice, intent);
  }

  /** Logs an event of this account and sends it to the webhook endpoints; a connected account's carries its id in `account`. */
  emit(type: string, object: StripeObject, request: Stripe.Event.Request, previousAttributes?: object): Stripe.Event {
    // An object goes in as Stripe sends it, with at most 10 subscription items or invoice lines embedded.
    const event = this.events.append({
      type,
      object: wireForm(object),
      previousAttributes,
      request,
      created: this.hooks.now(),
      account: this.connected ? this.id : undefined,
    });
    this.hooks.dispatch(event);
    return event;
  }

  setChildListOrder(order: ChildListOrder): void {
    this.store.childListOrder = order;
    this.objects.childListOrder = order;
  }
}
