import type Stripe from 'stripe';
import { StripeActionService } from '../../actions/stripe-action.service.js';
import { defineMirroredObject } from '../mirrored-object.js';
import { toRefundRow } from './refund.mapper.js';
import { StripeRefund } from './stripe-refund.entity.js';

export class RefundActionService extends StripeActionService<StripeRefund, Stripe.Refund> {}

export const refunds = defineMirroredObject<StripeRefund, Stripe.Refund>({
  name: 'refund',
  resource: 'refunds',
  // `pyr_`: refunds of non-card payments.
  idPrefixes: ['re', 'pyr'],
  entity: StripeRefund,
  service: RefundActionService,
  // No default filter: every refund of the account is listed.
  list: { path: '/v1/refunds' },
  toRow: toRefundRow,
  eventTypes: ['refund.created', 'refund.updated', 'refund.failed', 'charge.refund.updated'],
  filters: { charge: { property: 'chargeId', kind: 'id', prefixes: ['ch', 'py'] } },
  parents: ['charge', 'payment_intent'],
});
