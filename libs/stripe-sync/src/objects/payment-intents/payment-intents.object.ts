import { StripeActionService } from '../../actions/stripe-action.service.js';
import { defineMirroredObject } from '../mirrored-object.js';
import { PAYMENT_INTENT_STATUSES } from '../stripe-codes.js';
import { toPaymentIntentRow, type PaymentIntentPayload } from './payment-intent.mapper.js';
import { StripePaymentIntent } from './stripe-payment-intent.entity.js';

export class PaymentIntentActionService extends StripeActionService<StripePaymentIntent, PaymentIntentPayload> {}

export const paymentIntents = defineMirroredObject<StripePaymentIntent, PaymentIntentPayload>({
  name: 'payment_intent',
  resource: 'payment-intents',
  idPrefixes: ['pi'],
  entity: StripePaymentIntent,
  service: PaymentIntentActionService,
  // No default filter: every status is listed.
  list: { path: '/v1/payment_intents' },
  toRow: toPaymentIntentRow,
  eventTypes: [
    'payment_intent.created',
    'payment_intent.processing',
    'payment_intent.requires_action',
    'payment_intent.amount_capturable_updated',
    'payment_intent.partially_funded',
    'payment_intent.succeeded',
    'payment_intent.payment_failed',
    'payment_intent.canceled',
  ],
  filters: {
    customer: { property: 'customerId', kind: 'id', prefixes: ['cus'] },
    status: { property: 'status', kind: 'enum', values: PAYMENT_INTENT_STATUSES },
  },
  parents: ['customer', 'invoice'],
});
