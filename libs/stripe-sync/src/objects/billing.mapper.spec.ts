import { describe, expect, it } from '@jest/globals';
import { loadFixture } from '../../../../test/support/fixtures.js';
import { toChargeRow, type ChargePayload } from './charges/charge.mapper.js';
import { toCustomerRow } from './customers/customer.mapper.js';
import { toInvoiceLineRow, toInvoiceRow, type InvoicePayload } from './invoices/invoice.mapper.js';
import { toPaymentIntentRow, type PaymentIntentPayload } from './payment-intents/payment-intent.mapper.js';
import { toPriceRow, type PricePayload } from './prices/price.mapper.js';
import { toProductRow } from './products/product.mapper.js';
import { toRefundRow } from './refunds/refund.mapper.js';

type Fixtures = Record<string, Record<string, unknown>>;
const at = (seconds: number) => new Date(seconds * 1000);

describe.each(['billing.current.json', 'billing.2023-08-16.json'])("billing objects' mapping, %s", (file) => {
  const fixtures = loadFixture<Fixtures>(file);
  const get = <T>(name: string) => structuredClone(fixtures[name]) as T;

  it('maps a customer, its default payment method from its invoice settings', () => {
    const customer = get<Parameters<typeof toCustomerRow>[0]>('customer');
    customer.invoice_settings = { ...customer.invoice_settings, default_payment_method: { id: 'pm_1', object: 'payment_method' } as never };
    expect(toCustomerRow(customer)).toMatchObject({
      id: customer.id,
      email: customer.email,
      balance: customer.balance,
      invoicePrefix: customer.invoice_prefix,
      defaultPaymentMethodId: 'pm_1',
      created: at(customer.created),
      raw: customer,
    });
  });

  it('maps a product and a price, keeping the decimal amount as Stripe wrote it', () => {
    const product = get<Parameters<typeof toProductRow>[0]>('product');
    expect(toProductRow(product)).toMatchObject({
      id: product.id,
      name: product.name,
      active: product.active,
      defaultPriceId: product.default_price,
    });
    const price = { ...get<PricePayload>('price'), unit_amount_decimal: '1250.50', lookup_key: 'pro_monthly' };
    expect(toPriceRow(price)).toMatchObject({
      id: price.id,
      productId: price.product,
      unitAmount: price.unit_amount,
      unitAmountDecimal: '1250.50',
      recurringInterval: 'month',
      recurringIntervalCount: 1,
      recurringUsageType: 'licensed',
      lookupKey: 'pro_monthly',
    });
  });

  it('maps an invoice and its lines, finding the subscription, price and item where each API version puts them', () => {
    const invoice = get<InvoicePayload>('invoice');
    const current = invoice.parent !== undefined && invoice.parent !== null;
    if (current) {
      invoice.parent = {
        type: 'subscription_details',
        subscription_details: { subscription: 'sub_1', metadata: null },
        quote_details: null,
      };
    } else {
      invoice.subscription = 'sub_1';
    }
    const [line] = invoice.lines!.data;
    const row = toInvoiceRow({ ...invoice, status_transitions: { ...invoice.status_transitions, paid_at: 1700000000 } });
    expect(row).toMatchObject({
      id: invoice.id,
      customerId: invoice.customer,
      subscriptionId: 'sub_1',
      status: invoice.status,
      paidAt: at(1700000000),
    });

    if (current) {
      line.pricing = { type: 'price_details', price_details: { price: 'price_1', product: 'prod_1' }, unit_amount_decimal: null } as never;
      line.parent = {
        type: 'subscription_item_details',
        subscription_item_details: { subscription: 'sub_1', subscription_item: 'si_1', proration: false },
        invoice_item_details: null,
      } as never;
    } else {
      Object.assign(line, { subscription: 'sub_1', subscription_item: 'si_1', proration: false });
    }
    expect(toInvoiceLineRow(line, invoice)).toMatchObject({
      id: line.id,
      invoiceId: invoice.id,
      priceId: current ? 'price_1' : (line.price as { id: string }).id,
      subscriptionId: 'sub_1',
      subscriptionItemId: 'si_1',
      proration: false,
      amount: line.amount,
      periodStart: at(line.period.start),
      periodEnd: at(line.period.end),
    });
  });

  it('maps a payment intent, a charge and a refund with the ids that link them', () => {
    const intent = { ...get<PaymentIntentPayload>('payment_intent'), customer: 'cus_1', latest_charge: 'ch_1' };
    expect(toPaymentIntentRow(intent)).toMatchObject({
      id: intent.id,
      customerId: 'cus_1',
      latestChargeId: 'ch_1',
      amount: intent.amount,
      status: intent.status,
    });
    const charge = { ...get<ChargePayload>('charge'), payment_intent: intent.id, amount_refunded: 50, refunded: false };
    expect(toChargeRow(charge)).toMatchObject({
      id: charge.id,
      paymentIntentId: intent.id,
      amountRefunded: 50,
      refunded: false,
      receiptUrl: charge.receipt_url,
    });
    const refund = get<Parameters<typeof toRefundRow>[0]>('refund');
    expect(toRefundRow(refund)).toMatchObject({ id: refund.id, chargeId: refund.charge, amount: refund.amount, status: refund.status });
  });
});
