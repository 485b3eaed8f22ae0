import type Stripe from 'stripe';
import type { MirrorRow } from '../../persistence/mirror-entity.interface.js';
import { StripeFields } from '../stripe-fields.js';
import { toRaw } from '../stripe-values.js';
import type { StripeAccount } from './stripe-account.entity.js';

export function toAccountRow(
  account: Stripe.Account,
  read = new StripeFields(account as unknown as Record<string, unknown>),
): MirrorRow<StripeAccount> {
  return {
    id: account.id,
    type: read.code('type'),
    businessName: read.at('business_profile').text('name', 512),
    email: read.text('email', 512),
    country: read.code('country'),
    chargesEnabled: read.flag('charges_enabled'),
    payoutsEnabled: read.flag('payouts_enabled'),
    detailsSubmitted: read.flag('details_submitted'),
    capabilities: (account.capabilities as Record<string, string> | undefined) ?? null,
    metadata: read.metadata(),
    created: read.time('created') ?? new Date(0),
    raw: toRaw(account),
  };
}
