import { StripeActionService } from '../../actions/stripe-action.service.js';
import { defineMirroredObject } from '../mirrored-object.js';
import { CHARGE_STATUSES } from '../stripe-codes.js';
import { toChargeRow, type ChargePayload } from './charge.mapper.js';
import { StripeCharge } from './stripe-charge.entity.js';

export class ChargeActionService extends StripeActionService<StripeCharge, ChargePayload> {}

export const charges = defineMirroredObject<StripeCharge, ChargePayload>({
  name: 'charge',
  resource: 'charges',
  // `py_`: charges of non-card payment methods.
  idPrefixes: ['ch', 'py'],
  entity: StripeCharge,
  service: ChargeActionService,
  // No default filter: failed and refunded charges are listed too.
  list: { path: '/v1/charges' },
  toRow: toChargeRow,
  // Not `charge.dispute.*` (disputes) nor `charge.refund.updated` (a refund).
  eventTypes: [
    'charge.succeeded',
    'charge.failed',
    'charge.pending',
    'charge.captured',
    'charge.expired',
    'charge.refunded',
    'charge.updated',
  ],
  filters: {
    customer: { property: 'customerId', kind: 'id', prefixes: ['cus'] },
    status: { property: 'status', kind: 'enum', values: CHARGE_STATUSES },
  },
  parents: ['customer', 'payment_intent'],
});
