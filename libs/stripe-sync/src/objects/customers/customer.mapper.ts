import type Stripe from 'stripe';
import type { MirrorRow } from '../../persistence/mirror-entity.interface.js';
import { fromUnix, idOf, toRaw } from '../stripe-values.js';
import type { StripeCustomer } from './stripe-customer.entity.js';

export function toCustomerRow(customer: Stripe.Customer): MirrorRow<StripeCustomer> {
  return {
    id: customer.id,
    email: customer.email ?? null,
    name: customer.name ?? null,
    phone: customer.phone ?? null,
    description: customer.description ?? null,
    currency: customer.currency ?? null,
    balance: customer.balance ?? null,
    delinquent: customer.delinquent ?? null,
    defaultPaymentMethodId: idOf(customer.invoice_settings?.default_payment_method),
    invoicePrefix: customer.invoice_prefix ?? null,
    livemode: customer.livemode ?? null,
    metadata: customer.metadata ?? {},
    created: fromUnix(customer.created) ?? new Date(0),
    raw: toRaw(customer),
  };
}
