import { Injectable } from '@nestjs/common';
import type Stripe from 'stripe';
import { InjectStripeClient } from './stripe.decorators.js';

/** One page of a Stripe list, newest first. */
export interface StripePage<T> {
  data: T[];
  has_more: boolean;
}

/** Query parameters as Stripe takes them: nested hashes and lists become `a[b]=…` and `a[0]=…`; undefined is left out. */
export type StripeParams = { [name: string]: string | number | boolean | undefined | StripeParams | (string | number)[] };

/**
 * Reads Stripe objects exactly as Stripe sent them, with the module's client (its key, pacing and retries) but
 * without the SDK's typed resources, which turn `*_decimal` strings into `Stripe.Decimal`s whose JSON drops
 * trailing zeros: the mirror's `raw` must be Stripe's JSON, whether it came from a read or from a webhook.
 */
@Injectable()
export class StripeReader {
  constructor(@InjectStripeClient() private readonly stripe: Stripe) {}

  /**
   * A page of the list at `path` (such as `/v1/customers`): of the platform's own objects, or with `account`, of
   * that connected account's (sent as its `Stripe-Account` header).
   */
  list<T>(path: string, params: StripeParams, account: string | null = null): Promise<StripePage<T>> {
    return this.get<StripePage<T>>(path, params, account);
  }

  /** The object at `path` (such as `/v1/customers/cus_…`); throws Stripe's error, `resource_missing` when gone. */
  retrieve<T>(path: string, account: string | null = null): Promise<T> {
    return this.get<T>(path, {}, account);
  }

  private async get<T>(path: string, params: StripeParams, account: string | null): Promise<T> {
    const query = toQuery(params);
    return (await this.stripe.rawRequest(
      'GET',
      query ? `${path}?${query}` : path,
      undefined,
      account ? { stripeAccount: account } : undefined,
    )) as T;
  }
}

/** `{ created: { gte: 1 }, types: ['a'] }` → `created[gte]=1&types[0]=a`, as Stripe's own clients encode. */
export function toQuery(params: StripeParams, prefix = ''): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    const key = prefix ? `${prefix}[${name}]` : name;
    if (Array.isArray(value)) {
      value.forEach((element, i) => parts.push(`${key}[${i}]=${encodeURIComponent(element)}`));
    } else if (typeof value === 'object') {
      const nested = toQuery(value, key);
      if (nested) parts.push(nested);
    } else {
      parts.push(`${key}=${encodeURIComponent(value)}`);
    }
  }
  return parts.join('&');
}
