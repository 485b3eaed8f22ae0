import type Stripe from 'stripe';
import { AccountData, type AccountHooks } from './emulator.account-data.js';
import { accountInvalid, invalidRequest, resourceMissing } from './emulator.errors.js';
import { accountTemplate } from './emulator.fixtures.js';
import { type ChildListOrder, type CreatedRange, type Page, type PageQuery, SortedList, windowOf } from './emulator.list.js';
import { prng, token } from './emulator.seed.js';

/*
 * Stripe Connect: the emulator is a platform account with connected accounts. Each account has data
 * of its own (emulator.account-data.ts); this registry keeps them, what their Account objects show,
 * and which of them a request's `Stripe-Account` header may name.
 */

export type AccountType = 'standard' | 'express' | 'custom';

export const ACCOUNT_TYPES: readonly AccountType[] = ['standard', 'express', 'custom'];

/** What a new connected account is made of; the rest of its Account object follows from its type and onboarding. */
export interface AccountFields {
  /** `acct_` and alphanumerics; default a new id of Stripe's shape. */
  id?: string;
  /** Default 'standard'. */
  type?: AccountType;
  email?: string | null;
  /** Two-letter country code, default 'US'. */
  country?: string;
  /** `business_profile.name`. */
  businessName?: string | null;
  /** Unix seconds; default now. */
  created?: number;
  metadata?: Stripe.Metadata;
}

/** An account as its Account object shows it. */
interface AccountRecord {
  readonly id: string;
  readonly created: number;
  readonly type: AccountType;
  email: string | null;
  readonly country: string;
  businessName: string | null;
  metadata: Stripe.Metadata;
  /** Onboarding done: charges and payouts enabled, nothing due. Accounts made through the API start without. */
  readonly onboarded: boolean;
  readonly data: AccountData;
}

interface ConnectedAccount extends AccountRecord {
  /** The account revoked the platform's access: requests for it fail as for an unknown account, lists leave it out. */
  deauthorized: boolean;
}

/** Oldest first, ties by id: lists read newest first, as every other list does. */
function compare(a: ConnectedAccount, b: ConnectedAccount): number {
  return a.created - b.created || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

const CURRENCY_OF_COUNTRY: Record<string, string> = { US: 'usd', GB: 'gbp', CA: 'cad', AU: 'aud', JP: 'jpy', CH: 'chf' };
const EURO_COUNTRIES = new Set(['AT', 'BE', 'DE', 'ES', 'FI', 'FR', 'IE', 'IT', 'LU', 'NL', 'PT']);

/** Who controls an account of each type, in the shape of API 2026-10-28. */
const CONTROLLERS: Record<AccountType, Stripe.Account.Controller> = {
  standard: {
    fees: { payer: 'account' },
    is_controller: true,
    losses: { payments: 'stripe' },
    requirement_collection: 'stripe',
    stripe_dashboard: { type: 'full' },
    type: 'application',
  },
  express: {
    fees: { payer: 'application' },
    is_controller: true,
    losses: { payments: 'application' },
    requirement_collection: 'stripe',
    stripe_dashboard: { type: 'express' },
    type: 'application',
  },
  custom: {
    fees: { payer: 'application' },
    is_controller: true,
    losses: { payments: 'application' },
    requirement_collection: 'application',
    stripe_dashboard: { type: 'none' },
    type: 'application',
  },
};

const NOTHING_DUE: Stripe.Account.Requirements = {
  ...accountTemplate.requirements!,
  currently_due: [],
  disabled_reason: null,
  eventually_due: [],
};

/** The Account object of a record. The platform's own shows it controls itself. */
function render(record: AccountRecord): Stripe.Account {
  const { id, created, type, email, country, businessName, metadata, onboarded, data } = record;
  const capability = onboarded ? 'active' : 'inactive';
  return {
    ...accountTemplate,
    id,
    business_profile: { ...accountTemplate.business_profile!, name: businessName },
    capabilities: { card_payments: capability, transfers: capability },
    charges_enabled: onboarded,
    controller: data.connected ? CONTROLLERS[type] : { type: 'account' },
    country,
    created,
    default_currency: CURRENCY_OF_COUNTRY[country] ?? (EURO_COUNTRIES.has(country) ? 'eur' : 'usd'),
    details_submitted: onboarded,
    email,
    external_accounts: { ...accountTemplate.external_accounts!, url: `/v1/accounts/${id}/external_accounts` },
    metadata,
    payouts_enabled: onboarded,
    requirements: onboarded ? NOTHING_DUE : accountTemplate.requirements,
    settings: { ...accountTemplate.settings!, dashboard: { display_name: businessName, timezone: 'Etc/UTC' } },
    type,
  };
}

/** The hooks of every account's data, but the batch counter, which the registry keeps. */
export type RegistryHooks = Omit<AccountHooks, 'nextBatch'>;

/** The platform and its connected accounts. */
export class AccountRegistry {
  readonly platform: AccountData;
  /** The platform's Connect application, which connected accounts authorize (and deauthorize). */
  readonly application: Stripe.Application;
  private readonly platformRecord: AccountRecord;
  /** Live connected accounts, deauthorized ones included, in the order they were made. */
  private readonly connected = new Map<string, ConnectedAccount>();
  private readonly ordered = new SortedList<ConnectedAccount>(compare);
  /** Ids of deleted accounts: never reused. */
  private readonly deleted = new Set<string>();
  /** Accounts made so far, the platform included: names each one's catalog. */
  private made = 0;
  private batches = 0;
  private childListOrder: ChildListOrder = 'embedded';
  private readonly hooks: AccountHooks;

  constructor(platformId: string | undefined, hooks: RegistryHooks) {
    const dispatch = (event: Stripe.Event) => {
      // An account that revoked the platform's access sends it nothing more but the news of that.
      const from = event.account === undefined ? undefined : this.connected.get(event.account);
      if (from?.deauthorized && event.type !== 'account.application.deauthorized') return;
      hooks.dispatch(event);
    };
    this.hooks = { now: hooks.now, dispatch, nextBatch: () => this.batches++ };
    const id = platformId ?? newAccountId(Math.random);
    checkAccountId(id);
    this.platform = this.newData(id, false);
    this.platformRecord = {
      id,
      created: 1_500_000_000,
      type: 'standard',
      email: 'platform@example.com',
      country: 'US',
      businessName: 'Emulated Platform',
      metadata: {},
      onboarded: true,
      data: this.platform,
    };
    this.application = { id: `ca_${token(prng(hashOf(id)), 32)}`, object: 'application', name: this.platformRecord.businessName };
  }

  get size(): number {
    return this.connected.size;
  }

  /** Connected accounts, deauthorized ones included, in the order they were made. */
  ids(): string[] {
    return [...this.connected.keys()];
  }

  /**
   * The data a request serves: the platform's without a `Stripe-Account` header (or with the platform's
   * own id), else that of the connected account it names. Any other account, and one that revoked the
   * platform's access, is Stripe's 403 `account_invalid`.
   */
  forHeader(header: string | undefined, maskedKey: string): AccountData {
    if (header === undefined || header === this.platform.id) return this.platform;
    const account = this.connected.get(header);
    if (!account || account.deauthorized) throw accountInvalid(maskedKey, header);
    return account.data;
  }

  /** The data of an account, deauthorized or not, for the emulator's controls; throws for an unknown id. */
  dataOf(id: string): AccountData {
    if (id === this.platform.id) return this.platform;
    const account = this.connected.get(id);
    if (!account) throw new Error(`No such connected account: '${id}'`);
    return account.data;
  }

  /** The Account object of the platform or of a connected account, as that account sees it. */
  render(data: AccountData): Stripe.Account {
    return render(data.connected ? this.connected.get(data.id)! : this.platformRecord);
  }

  /** A new connected account, with its own empty data; `onboarded` enables charges and payouts. */
  create(fields: AccountFields, onboarded: boolean): Stripe.Account {
    const { type = 'standard', email = null, country = 'US', businessName = null, created = this.hooks.now(), metadata = {} } = fields;
    if (!ACCOUNT_TYPES.includes(type)) throw new TypeError(`Not an account type: ${String(type)}`);
    if (!/^[A-Z]{2}$/.test(country)) throw new TypeError(`Not a two-letter country code: ${country}`);
    if (!Number.isInteger(created)) throw new TypeError('created must be an integer (Unix seconds)');
    let id = fields.id;
    if (id !== undefined) {
      checkAccountId(id);
      if (this.isTaken(id)) throw new Error(`Account id taken: '${id}'`);
    } else {
      do id = newAccountId(Math.random);
      while (this.isTaken(id));
    }
    const account: ConnectedAccount = {
      id,
      created,
      type,
      email,
      country,
      businessName,
      metadata: { ...metadata },
      onboarded,
      deauthorized: false,
      data: this.newData(id, true),
    };
    this.connected.set(id, account);
    this.ordered.add(account);
    return render(account);
  }

  /**
   * The account `GET /v1/accounts/:id` answers: the platform's own, or a connected one. A deleted or
   * unknown id is `resource_missing`; one that revoked the platform's access is `account_invalid`.
   */
  retrieve(id: string, maskedKey: string): Stripe.Account {
    if (id === this.platform.id) return render(this.platformRecord);
    return render(this.reachable(id, maskedKey));
  }

  /** Sets the fields given; answers the account before and after, for an `account.updated` event. */
  update(
    id: string,
    maskedKey: string,
    fields: Pick<AccountFields, 'email' | 'businessName' | 'metadata'>,
  ): { before: Stripe.Account; after: Stripe.Account } {
    const account = this.reachable(id, maskedKey);
    const before = render(account);
    if (fields.email !== undefined) account.email = fields.email;
    if (fields.businessName !== undefined) account.businessName = fields.businessName;
    if (fields.metadata !== undefined) account.metadata = fields.metadata;
    return { before, after: render(account) };
  }

  /** Deletes a connected account with all its data; its id is never used again. */
  remove(id: string, maskedKey: string): void {
    const account = this.reachable(id, maskedKey);
    this.connected.delete(id);
    this.ordered.remove(account);
    this.deleted.add(id);
  }

  /** A page of the connected accounts the platform can reach, newest first; deauthorized ones are left out. */
  list(query: PageQuery & CreatedRange): Page<Stripe.Account> {
    const page = this.ordered.page(
      windowOf(query, 'account', (id) => this.connected.get(id)),
      (account) => !account.deauthorized,
    );
    return { data: page.data.map(render), hasMore: page.hasMore };
  }

  /** Ids as `GET /v1/accounts` pages through them, from list position `offset`. */
  idsInListOrder(offset: number, limit: number): string[] {
    return this.ordered
      .slice(0, this.ordered.size)
      .filter((account) => !account.deauthorized)
      .slice(offset, offset + limit)
      .map((account) => account.id);
  }

  /** Revokes (false) or grants again (true) the platform's access; false if it already was so. */
  authorize(id: string, authorized: boolean): boolean {
    const account = this.connected.get(id);
    if (!account) throw new Error(`No such connected account: '${id}'`);
    if (account.deauthorized === !authorized) return false;
    account.deauthorized = !authorized;
    return true;
  }

  setChildListOrder(order: ChildListOrder): void {
    this.childListOrder = order;
    this.platform.setChildListOrder(order);
    for (const account of this.connected.values()) account.data.setChildListOrder(order);
  }

  private newData(id: string, connected: boolean): AccountData {
    // The platform's catalog keeps the ids it had before there were connected accounts.
    const catalog = this.made === 0 ? '' : `account${this.made}/`;
    this.made++;
    const data = new AccountData(id, connected, catalog, this.hooks);
    data.setChildListOrder(this.childListOrder);
    return data;
  }

  private isTaken(id: string): boolean {
    return id === this.platform.id || this.connected.has(id) || this.deleted.has(id);
  }

  /** A connected account the platform can reach through `/v1/accounts/:id`. */
  private reachable(id: string, maskedKey: string): ConnectedAccount {
    const account = this.connected.get(id);
    if (!account) {
      if (id === this.platform.id)
        throw invalidRequest("The platform's own account cannot be changed or deleted through /v1/accounts/:id.", 'id');
      throw resourceMissing('account', id, 'id');
    }
    if (account.deauthorized) throw accountInvalid(maskedKey, id);
    return account;
  }
}

/** `acct_1` and 15 alphanumerics, as Stripe's account ids are. */
function newAccountId(random: () => number): string {
  return `acct_1${token(random, 15)}`;
}

function checkAccountId(id: string): void {
  if (!/^acct_[0-9A-Za-z]+$/.test(id)) throw new TypeError(`Not an account id (acct_ and alphanumerics): '${id}'`);
}

function hashOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash;
}
