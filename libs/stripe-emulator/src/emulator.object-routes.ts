import type Stripe from 'stripe';
import type { AccountData } from './emulator.account-data.js';
import { invalidRequest } from './emulator.errors.js';
import { wireList } from './emulator.list.js';
import {
  createCustomer,
  createInvoice,
  createPrice,
  createProduct,
  deletedStub,
  updateObject,
  type WriteContext,
} from './emulator.object-writes.js';
import { type BillingObject, type Facts, KINDS, OBJECT_TYPES, type ObjectKind, type ObjectType, wireForm } from './emulator.kinds.js';
import {
  allowedParams,
  checkParams,
  CREATED_PARAMS,
  createdRange,
  formOf,
  PAGE_PARAMS,
  pageQuery,
  stringsParam,
  toBoolean,
} from './emulator.params.js';
import { type Change, createRefund, finalizeInvoice, payInvoice, voidInvoice } from './emulator.payments.js';
import type { Route, RouteContext } from './emulator.routes.js';
import { cancelSubscription, previousAttributes } from './emulator.writes.js';

/** Stripe announces updates of every type here but payment intents, whose changes have events of their own. */
const SILENT_UPDATES: ReadonlySet<ObjectType> = new Set(['payment_intent']);
const NO_PARAMS = allowedParams();

function listParams(kind: ObjectKind): RegExp[] {
  return allowedParams(
    ...PAGE_PARAMS,
    ...CREATED_PARAMS,
    ...kind.filters.map(({ param, type }) => (type === 'any' ? `${param}[n]` : param)),
  );
}

/** The kind's list filters the query asks for, as one test of an entry's facts. */
function factFilter(kind: ObjectKind, query: URLSearchParams): (facts: Facts) => boolean {
  const form = formOf(query);
  const tests: ((facts: Facts) => boolean)[] = [];
  for (const { param, fact, type = 'text', values } of kind.filters) {
    if (type === 'any') {
      const wanted = stringsParam(form, param);
      if (wanted.length > 0) tests.push((facts) => wanted.includes(facts[fact] as string));
      continue;
    }
    const raw = query.get(param);
    if (raw === null) continue;
    if (values && !values.includes(raw)) throw invalidRequest(`Invalid ${param}: must be one of ${values.join(', ')}`, param);
    const value = type === 'boolean' ? toBoolean(raw, param) : raw;
    tests.push((facts) => facts[fact] === value);
  }
  return (facts) => tests.every((test) => test(facts));
}

/** The routes of the billing objects: for each type a list, a retrieve and an update; then the creates, deletes and invoice actions. */
export function createObjectRoutes({ now }: RouteContext): Route[] {
  const context = ({ objects }: AccountData): WriteContext => ({ objects, now: now() });

  /** Stores a write's changes in the account and raises their events, in order. */
  const apply = (account: AccountData, changes: Change[], request: Stripe.Event.Request): void => {
    for (const { object, event, previous, pays } of changes) {
      account.objects.put(object);
      if (pays) account.objects.linkIntent(pays, object.id);
      if (event) account.emit(event, object, request, previous);
    }
  };

  const readAndUpdate = (kind: ObjectKind): Route[] => [
    {
      method: 'GET',
      pattern: kind.path,
      handle(query, _, __, { account: { objects } }) {
        checkParams(query, listParams(kind));
        const page = objects.list(kind.type, { ...pageQuery(query), ...createdRange(query) }, factFilter(kind, query));
        return wireList(kind.path, page.data.map(wireForm), page.hasMore);
      },
    },
    {
      method: 'GET',
      pattern: `${kind.path}/:id`,
      handle(query, [id], _, { account: { objects } }) {
        checkParams(query, NO_PARAMS);
        return wireForm(objects.retrieve(kind.type, id));
      },
    },
    {
      method: 'POST',
      pattern: `${kind.path}/:id`,
      handle(params, [id], request, { account }) {
        const current = account.objects.existing(kind.type, id);
        const updated = updateObject(kind.type, current, params, context(account));
        const previous = previousAttributes(wireForm(current), wireForm(updated));
        apply(
          account,
          [{ object: updated, event: previous && !SILENT_UPDATES.has(kind.type) ? `${kind.type}.updated` : undefined, previous }],
          request,
        );
        return wireForm(updated);
      },
    },
  ];

  const create = (type: ObjectType, write: (params: URLSearchParams, context: WriteContext) => BillingObject | Change[]): Route => ({
    method: 'POST',
    pattern: KINDS[type].path,
    handle(params, _, request, { account }) {
      const written = write(params, context(account));
      const changes = Array.isArray(written) ? written : [{ object: written, event: `${type}.created` }];
      apply(account, changes, request);
      return wireForm(changes[0].object);
    },
  });

  /** Deletes as Stripe does: the object leaves the list, and its event carries it as it was. */
  const remove = (
    type: ObjectType,
    check: (object: BillingObject, request: Stripe.Event.Request, account: AccountData) => void,
  ): Route => ({
    method: 'DELETE',
    pattern: `${KINDS[type].path}/:id`,
    handle(params, [id], request, { account }) {
      checkParams(params, NO_PARAMS);
      const object = account.objects.existing(type, id);
      check(object, request, account);
      account.objects.markDeleted(type, id);
      account.emit(`${type}.deleted`, object, request);
      return deletedStub(object);
    },
  });

  const invoiceAction = (action: string, write: (id: string, params: URLSearchParams, context: WriteContext) => Change[]): Route => ({
    method: 'POST',
    pattern: `/v1/invoices/:id/${action}`,
    handle(params, [id], request, { account }) {
      const changes = write(id, params, context(account));
      apply(account, changes, request);
      return wireForm(account.objects.view('invoice', id)!);
    },
  });

  return [
    ...OBJECT_TYPES.flatMap((type) => readAndUpdate(KINDS[type])),
    create('customer', createCustomer),
    create('product', createProduct),
    create('price', createPrice),
    create('invoice', createInvoice),
    create('refund', createRefund),
    remove('customer', (customer, request, account) => {
      // Stripe cancels a deleted customer's subscriptions at once.
      for (const id of account.store.liveIdsOfCustomer(customer.id)) {
        const canceled = cancelSubscription(account.store.get(id)!, new URLSearchParams(), now());
        account.store.put(canceled);
        account.emit('customer.subscription.deleted', canceled, request);
      }
    }),
    remove('product', (product, _, { objects }) => {
      if (objects.find('price', (facts) => facts.product === product.id) !== undefined) {
        throw invalidRequest('This product cannot be deleted because it has one or more user-created prices.');
      }
    }),
    remove('invoice', (invoice) => {
      if ((invoice as Stripe.Invoice).status !== 'draft') throw invalidRequest('You can only delete draft invoices.');
    }),
    {
      method: 'GET',
      pattern: '/v1/invoices/:id/lines',
      handle(query, [id], _, { account: { objects } }) {
        checkParams(query, allowedParams(...PAGE_PARAMS));
        const page = objects.listLines(id, pageQuery(query));
        return wireList(`/v1/invoices/${id}/lines`, page.data, page.hasMore);
      },
    },
    invoiceAction('finalize', finalizeInvoice),
    {
      method: 'POST',
      pattern: '/v1/invoices/:id/pay',
      handle(params, [id], request, { account }) {
        const { changes, declined } = payInvoice(id, params, context(account));
        apply(account, changes, request);
        if (declined) throw declined;
        return wireForm(account.objects.view('invoice', id)!);
      },
    },
    invoiceAction('void', voidInvoice),
  ];
}
