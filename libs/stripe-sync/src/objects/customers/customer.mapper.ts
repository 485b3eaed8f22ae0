import type Stripe from 'stripe';
import type { MirrorRow } from '../../persistence/mirror-entity.interface.js';
import { StripeFields } from '../stripe-fields.js';
import { toRaw } from '../stripe-values.js';
import type { StripeCustomer } from './stripe-customer.entity.js';

export function toCustomerRow(
  customer: Stripe.Customer,
  read = new StripeFields(customer as unknown as Record<string, unknown>),
): MirrorRow<StripeCustomer> {
  return {
    id: customer.id,
    email: read.text('email', 512),
    name: read.text('name', 512),
    phone: read.text('phone', 64),
    description: read.text('description'),
    currency: read.currency('currency'),
    balance: read.integer('balance'),
    delinquent: read.flag('delinquent'),
    defaultPaymentMethodId: read.at('invoice_settings').id('default_payment_method'),
    invoicePrefix: read.text('invoice_prefix', 64),
    livemode: read.flag('livemode'),
    metadata: read.metadata(),
    created: read.time('created')!,
    raw: toRaw(customer),
  };
}
