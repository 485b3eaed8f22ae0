import type Stripe from 'stripe';
import { StripeActionService } from '../../actions/stripe-action.service.js';
import { defineMirroredObject } from '../mirrored-object.js';
import { toProductRow } from './product.mapper.js';
import { StripeProduct } from './stripe-product.entity.js';

export class ProductActionService extends StripeActionService<StripeProduct, Stripe.Product> {}

export const products = defineMirroredObject<StripeProduct, Stripe.Product>({
  name: 'product',
  resource: 'products',
  idPrefixes: ['prod'],
  entity: StripeProduct,
  service: ProductActionService,
  // No default filter: inactive products are listed too; deleted ones are not (and answer resource_missing).
  list: { path: '/v1/products' },
  toRow: toProductRow,
  eventTypes: ['product.created', 'product.updated', 'product.deleted'],
  deletedEventTypes: ['product.deleted'],
  filters: { active: { property: 'active', kind: 'boolean' } },
});
