import { Inject, Injectable } from '@nestjs/common';
import type { ResolvedStripeSyncOptions } from '../interfaces/stripe-sync-options.interface.js';
import { STRIPE_SYNC_OPTIONS } from '../stripe-sync.constants.js';
import { StripeReader } from './stripe-reader.js';

/**
 * Whose objects a request reads and a row holds: a connected account's (its id, sent as the `Stripe-Account`
 * header and written in `account_id`), or the platform's own (no header; `account_id` is the platform's id with
 * Connect, null without).
 */
export interface AccountScope {
  /** The `Stripe-Account` header to send; null for the platform's own objects. */
  header: string | null;
  /** The `account_id` the rows get. */
  column: string | null;
  /** The `account_id` values a sweep of this scope covers (the platform's also covers rows written before Connect). */
  sweeps: (string | null)[];
}

/** The platform and the connected accounts the module mirrors (`connect` option). */
@Injectable()
export class StripeAccounts {
  private platform: Promise<string> | undefined;

  constructor(
    private readonly stripe: StripeReader,
    @Inject(STRIPE_SYNC_OPTIONS) private readonly options: Pick<ResolvedStripeSyncOptions, 'connect'>,
  ) {}

  /** Whether connected accounts are mirrored. */
  get connect(): boolean {
    return this.options.connect !== false;
  }

  /** The platform's account id, read once from `GET /v1/account` (only with Connect). */
  platformId(): Promise<string> {
    this.platform ??= this.stripe.retrieve<{ id: string }>('/v1/account').then(
      (account) => account.id,
      (error: unknown) => {
        this.platform = undefined;
        throw error;
      },
    );
    return this.platform;
  }

  /** The scope of `account` (a connected account's id), or of the platform's own objects without one. */
  async scope(account?: string | null): Promise<AccountScope> {
    if (account) return { header: account, column: account, sweeps: [account] };
    if (!this.connect) return { header: null, column: null, sweeps: [null] };
    const platform = await this.platformId();
    return { header: null, column: platform, sweeps: [platform, null] };
  }

  /** Whether `account` is one of those the `connect` option selects. */
  selects(account: string): boolean {
    const { connect } = this.options;
    return connect !== false && (connect.accounts === 'all' || connect.accounts.includes(account));
  }
}
