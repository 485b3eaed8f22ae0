import { StripeActionService } from '../../actions/stripe-action.service.js';
import { defineMirroredChild, defineMirroredObject } from '../mirrored-object.js';
import { INVOICE_STATUSES } from '../stripe-codes.js';
import { toInvoiceLineRow, toInvoiceRow, type InvoiceLinePayload, type InvoicePayload } from './invoice.mapper.js';
import { StripeInvoiceLineItem } from './stripe-invoice-line-item.entity.js';
import { StripeInvoice } from './stripe-invoice.entity.js';

export class InvoiceActionService extends StripeActionService<StripeInvoice, InvoicePayload> {}

export const invoices = defineMirroredObject<StripeInvoice, InvoicePayload>({
  name: 'invoice',
  resource: 'invoices',
  idPrefixes: ['in'],
  entity: StripeInvoice,
  service: InvoiceActionService,
  // No default filter: drafts, voided and paid invoices are all listed.
  list: { path: '/v1/invoices' },
  toRow: toInvoiceRow,
  children: [
    defineMirroredChild({
      entity: StripeInvoiceLineItem,
      field: 'lines',
      parentProperty: 'invoiceId',
      list: (invoice) => ({ path: `/v1/invoices/${encodeURIComponent(invoice)}/lines` }),
      toRow: (line: InvoiceLinePayload, invoice: InvoicePayload, read) => toInvoiceLineRow(line, invoice, read),
    }),
  ],
  // Not `invoice.upcoming`: its invoice has no id yet.
  eventTypes: [
    'invoice.created',
    'invoice.updated',
    'invoice.deleted',
    'invoice.finalized',
    'invoice.finalization_failed',
    'invoice.sent',
    'invoice.paid',
    'invoice.payment_succeeded',
    'invoice.payment_failed',
    'invoice.payment_action_required',
    'invoice.marked_uncollectible',
    'invoice.voided',
    'invoice.overdue',
    'invoice.overpaid',
    'invoice.will_be_due',
  ],
  // Only drafts can be deleted.
  deletedEventTypes: ['invoice.deleted'],
  filters: {
    customer: { property: 'customerId', kind: 'id', prefixes: ['cus'] },
    subscription: { property: 'subscriptionId', kind: 'id', prefixes: ['sub'] },
    status: { property: 'status', kind: 'enum', values: INVOICE_STATUSES },
  },
  parents: ['customer', 'subscription', 'price'],
});
