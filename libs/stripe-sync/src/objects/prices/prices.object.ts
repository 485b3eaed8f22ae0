import { StripeActionService } from '../../actions/stripe-action.service.js';
import { defineMirroredObject } from '../mirrored-object.js';
import { toPriceRow, type PricePayload } from './price.mapper.js';
import { StripePrice } from './stripe-price.entity.js';

export class PriceActionService extends StripeActionService<StripePrice, PricePayload> {}

export const prices = defineMirroredObject<StripePrice, PricePayload>({
  name: 'price',
  resource: 'prices',
  idPrefixes: ['price', 'plan'],
  entity: StripePrice,
  service: PriceActionService,
  // No default filter: inactive prices are listed too.
  list: { path: '/v1/prices' },
  toRow: toPriceRow,
  eventTypes: ['price.created', 'price.updated', 'price.deleted'],
  deletedEventTypes: ['price.deleted'],
  filters: {
    product: { property: 'productId', kind: 'id', prefixes: ['prod'] },
    active: { property: 'active', kind: 'boolean' },
    lookupKey: { property: 'lookupKey', kind: 'text' },
  },
  parents: ['product'],
});
