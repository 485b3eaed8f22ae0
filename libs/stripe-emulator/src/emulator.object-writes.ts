import type Stripe from 'stripe';
import { invalidRequest, resourceMissing } from './emulator.errors.js';
import { customerTemplate, invoiceTemplate, priceTemplate, productTemplate, wireDecimal } from './emulator.fixtures.js';
import type { BillingObject, BillingObjects, ObjectType } from './emulator.kinds.js';
import type { ObjectStore } from './emulator.objects.js';
import { allowedParams, checkParams, type Form, formOf, hash, missingParam, text, toBoolean, toInteger } from './emulator.params.js';
import { makeId } from './emulator.seed.js';
import { mergeMetadata } from './emulator.writes.js';

/*
 * Creates and updates of the billing objects. An update is the same for every type: the fields it
 * may set are data, below; a few types then check what Stripe checks (a default price of the
 * product's own, a lookup key used once).
 */

/** What a write reads besides the request. */
export interface WriteContext {
  objects: ObjectStore;
  now: number;
}

/** The fields a create or an update sets from parameters of the same name. */
interface Fields {
  /** Strings that cannot be unset: an empty one is a 400. */
  required?: readonly string[];
  /** Strings an empty value unsets (to null). */
  nullable?: readonly string[];
  booleans?: readonly string[];
  metadata?: boolean;
}

const UPDATABLE: Record<ObjectType, Fields> = {
  customer: { nullable: ['email', 'name', 'phone', 'description'], metadata: true },
  product: { required: ['name'], nullable: ['description', 'default_price'], booleans: ['active'], metadata: true },
  price: { nullable: ['nickname', 'lookup_key'], booleans: ['active'], metadata: true },
  invoice: { nullable: ['description'], metadata: true },
  payment_intent: { nullable: ['description'], metadata: true },
  charge: { nullable: ['description'], metadata: true },
  refund: { metadata: true },
};

function paramsOf({ required = [], nullable = [], booleans = [], metadata }: Fields, ...more: string[]): RegExp[] {
  return allowedParams(...required, ...nullable, ...booleans, ...(metadata ? ['metadata', 'metadata[*]'] : []), ...more);
}

const UPDATE_PARAMS = Object.fromEntries(Object.entries(UPDATABLE).map(([type, fields]) => [type, paramsOf(fields)])) as Record<
  ObjectType,
  RegExp[]
>;

function applyFields(object: Record<string, unknown>, form: Form, { required = [], nullable = [], booleans = [], metadata }: Fields): void {
  for (const name of required) {
    const value = text(form, name);
    if (value === '') {
      const message = `You passed an empty string for '${name}'. We assume empty values are an attempt to unset a parameter; however '${name}' cannot be unset.`;
      throw invalidRequest(message, name, 'parameter_invalid_empty');
    }
    if (value !== undefined) object[name] = value;
  }
  for (const name of nullable) {
    const value = text(form, name);
    if (value !== undefined) object[name] = value === '' ? null : value;
  }
  for (const name of booleans) {
    const value = text(form, name);
    if (value !== undefined) object[name] = toBoolean(value, name);
  }
  if (metadata) object.metadata = mergeMetadata((object.metadata as Stripe.Metadata | null) ?? {}, form, 'metadata');
}

/** A new id of Stripe's shape that no object of the type has. */
function newId(objects: ObjectStore, type: ObjectType, prefix: string, length: number): string {
  let id = makeId(prefix, length, Math.random);
  while (objects.has(type, id) || objects.isDeleted(type, id)) id = makeId(prefix, length, Math.random);
  return id;
}

/** A product's default price must be one of its own prices. */
function checkDefaultPrice(product: Stripe.Product, objects: ObjectStore): void {
  const priceId = product.default_price as string | null;
  if (priceId === null || priceId === undefined) return;
  const price = objects.view('price', priceId);
  if (!price) throw resourceMissing('price', priceId, 'default_price', 400);
  if (price.product !== product.id)
    throw invalidRequest(`The price \`${priceId}\` does not belong to the product \`${product.id}\`.`, 'default_price');
}

/** Stripe keeps lookup keys unique among an account's prices. */
function checkLookupKey(price: Stripe.Price, objects: ObjectStore): void {
  if (price.lookup_key === null) return;
  const holder = objects.find('price', (facts) => facts.lookup_key === price.lookup_key);
  if (holder !== undefined && holder !== price.id)
    throw invalidRequest(`A price (\`${holder}\`) already uses that lookup key.`, 'lookup_key');
}

/** What Stripe checks of an object after the fields are set. */
const CHECKS: Partial<{ [T in ObjectType]: (object: BillingObjects[T], objects: ObjectStore) => void }> = {
  product: checkDefaultPrice,
  price: checkLookupKey,
};

function check<T extends ObjectType>(type: T, object: BillingObjects[T], objects: ObjectStore): void {
  CHECKS[type]?.(object, objects);
}

/** The object with the fields its type lets an update set. */
export function updateObject<T extends ObjectType>(
  type: T,
  current: BillingObjects[T],
  params: URLSearchParams,
  { objects, now }: WriteContext,
): BillingObjects[T] {
  checkParams(params, UPDATE_PARAMS[type]);
  const updated = structuredClone(current);
  applyFields(updated as unknown as Record<string, unknown>, formOf(params), UPDATABLE[type]);
  check(type, updated, objects);
  // Products say when they last changed.
  if (type === 'product' && JSON.stringify(updated) !== JSON.stringify(current)) (updated as Stripe.Product).updated = now;
  return updated;
}

const CUSTOMER_PARAMS = paramsOf(UPDATABLE.customer);

export function createCustomer(params: URLSearchParams, { objects, now }: WriteContext): Stripe.Customer {
  checkParams(params, CUSTOMER_PARAMS);
  const customer: Stripe.Customer = {
    ...customerTemplate,
    id: newId(objects, 'customer', 'cus', 14),
    created: now,
    invoice_prefix: makeId('x', 8, Math.random).slice(2).toUpperCase(),
    metadata: {},
  };
  applyFields(customer as unknown as Record<string, unknown>, formOf(params), UPDATABLE.customer);
  return customer;
}

/** Stripe sets a product's default price with `default_price_data` on create; here it is set by an update only. */
const PRODUCT_CREATE_FIELDS: Fields = { required: ['name'], nullable: ['description'], booleans: ['active'], metadata: true };
const PRODUCT_PARAMS = paramsOf(PRODUCT_CREATE_FIELDS);

export function createProduct(params: URLSearchParams, { objects, now }: WriteContext): Stripe.Product {
  checkParams(params, PRODUCT_PARAMS);
  const form = formOf(params);
  if (!text(form, 'name')) throw missingParam('name');
  const product: Stripe.Product = {
    ...productTemplate,
    id: newId(objects, 'product', 'prod', 14),
    created: now,
    updated: now,
    metadata: {},
  };
  applyFields(product as unknown as Record<string, unknown>, form, PRODUCT_CREATE_FIELDS);
  return product;
}

const INTERVALS = ['day', 'week', 'month', 'year'];
const PRICE_PARAMS = paramsOf(
  UPDATABLE.price,
  'product',
  'currency',
  'unit_amount',
  'recurring',
  'recurring[interval]',
  'recurring[interval_count]',
);

function recurringOf(form: Form): Stripe.Price.Recurring | null {
  const recurring = hash(form, 'recurring');
  if (!recurring) return null;
  const interval = text(recurring, 'interval', 'recurring[interval]');
  if (!interval) throw missingParam('recurring[interval]');
  if (!INTERVALS.includes(interval))
    throw invalidRequest(`Invalid recurring[interval]: must be one of ${INTERVALS.join(', ')}`, 'recurring[interval]');
  const count = text(recurring, 'interval_count', 'recurring[interval_count]');
  const intervalCount = count === undefined ? 1 : toInteger(count, 'recurring[interval_count]');
  if (intervalCount < 1) throw invalidRequest('Invalid recurring[interval_count]: must be at least 1', 'recurring[interval_count]');
  return { ...priceTemplate.recurring!, interval: interval, interval_count: intervalCount };
}

export function createPrice(params: URLSearchParams, { objects, now }: WriteContext): Stripe.Price {
  checkParams(params, PRICE_PARAMS);
  const form = formOf(params);
  const product = text(form, 'product');
  if (!product) throw missingParam('product');
  if (!objects.has('product', product)) throw resourceMissing('product', product, 'product', 400);
  const currency = text(form, 'currency')?.toLowerCase();
  if (!currency) throw missingParam('currency');
  if (!/^[a-z]{3}$/.test(currency)) throw invalidRequest(`Invalid currency: ${currency}`, 'currency');
  const rawAmount = text(form, 'unit_amount');
  if (rawAmount === undefined) throw missingParam('unit_amount');
  const unitAmount = toInteger(rawAmount, 'unit_amount');
  if (unitAmount < 0) throw invalidRequest('Invalid unit_amount: must be at least 0', 'unit_amount');
  const recurring = recurringOf(form);
  const price: Stripe.Price = {
    ...priceTemplate,
    id: newId(objects, 'price', 'price', 24),
    created: now,
    currency,
    metadata: {},
    product,
    recurring,
    type: recurring ? 'recurring' : 'one_time',
    unit_amount: unitAmount,
    unit_amount_decimal: wireDecimal(String(unitAmount)),
  };
  applyFields(price as unknown as Record<string, unknown>, form, UPDATABLE.price);
  checkLookupKey(price, objects);
  return price;
}

const INVOICE_PARAMS = paramsOf(UPDATABLE.invoice, 'customer', 'collection_method', 'days_until_due', 'auto_advance');
const COLLECTION_METHODS = ['charge_automatically', 'send_invoice'];

/** A draft invoice for a customer, without lines: Stripe adds pending invoice items, which the emulator does not serve. */
export function createInvoice(params: URLSearchParams, { objects, now }: WriteContext): Stripe.Invoice {
  checkParams(params, INVOICE_PARAMS);
  const form = formOf(params);
  const customerId = text(form, 'customer');
  if (!customerId) throw missingParam('customer');
  const customer = objects.existing('customer', customerId, 'customer', 400);
  const collectionMethod = text(form, 'collection_method') ?? 'charge_automatically';
  if (!COLLECTION_METHODS.includes(collectionMethod)) {
    throw invalidRequest(`Invalid collection_method: must be one of ${COLLECTION_METHODS.join(', ')}`, 'collection_method');
  }
  const days = text(form, 'days_until_due');
  if (collectionMethod === 'send_invoice' && days === undefined) throw missingParam('days_until_due');
  const autoAdvance = text(form, 'auto_advance');
  const id = newId(objects, 'invoice', 'in', 24);
  const invoice: Stripe.Invoice = {
    ...invoiceTemplate,
    id,
    amount_due: 0,
    amount_paid: 0,
    amount_remaining: 0,
    attempt_count: 0,
    attempted: false,
    auto_advance: autoAdvance === undefined ? false : toBoolean(autoAdvance, 'auto_advance'),
    billing_reason: 'manual',
    collection_method: collectionMethod,
    created: now,
    currency: customer.currency ?? 'usd',
    customer: customer.id,
    customer_email: customer.email,
    customer_name: customer.name ?? null,
    customer_phone: customer.phone ?? null,
    due_date: days === undefined ? null : now + toInteger(days, 'days_until_due') * 86_400,
    effective_at: null,
    ending_balance: null,
    lines: { object: 'list', data: [], has_more: false, url: `/v1/invoices/${id}/lines` },
    metadata: {},
    number: null,
    parent: null,
    period_end: now,
    period_start: now,
    status: 'draft',
    status_transitions: { finalized_at: null, marked_uncollectible_at: null, paid_at: null, voided_at: null },
    subtotal: 0,
    subtotal_excluding_tax: 0,
    total: 0,
    total_excluding_tax: 0,
    webhooks_delivered_at: null,
  };
  applyFields(invoice as unknown as Record<string, unknown>, form, UPDATABLE.invoice);
  return invoice;
}

/** What a delete answers. */
export function deletedStub(object: BillingObject) {
  return { id: object.id, object: object.object, deleted: true as const };
}
