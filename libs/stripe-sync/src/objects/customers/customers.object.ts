import type Stripe from 'stripe';
import { StripeActionService } from '../../actions/stripe-action.service.js';
import { defineMirroredObject } from '../mirrored-object.js';
import { toCustomerRow } from './customer.mapper.js';
import { StripeCustomer } from './stripe-customer.entity.js';

export class CustomerActionService extends StripeActionService<StripeCustomer, Stripe.Customer> {}

export const customers = defineMirroredObject<StripeCustomer, Stripe.Customer>({
  name: 'customer',
  resource: 'customers',
  idPrefixes: ['cus'],
  entity: StripeCustomer,
  service: CustomerActionService,
  // No default filter; deleted customers are left out (and retrieved as `{ deleted: true }`).
  list: { path: '/v1/customers' },
  toRow: toCustomerRow,
  eventTypes: ['customer.created', 'customer.updated', 'customer.deleted'],
  deletedEventTypes: ['customer.deleted'],
  filters: { email: { property: 'email', kind: 'text' } },
});
