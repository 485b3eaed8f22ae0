import type Stripe from 'stripe';

/*
 * Stripe's own sample objects (stripe/openapi fixtures3.json, MIT licence, Copyright Stripe, Inc.),
 * used as templates for generated data. Copied here because the fixtures folder is not shipped.
 * Nonsense sample values are replaced by what a plain active subscription really holds (periods
 * in order, a plan that mirrors its price, no pending update or transfer), and `feedback_option`,
 * `current_trial` and `trial_settings.end_behavior.billing_cycle_anchor` are added because the
 * stripe SDK types (API 2026-10-28) require them.
 *
 * These are wire objects, as the JSON response holds them: see `wireDecimal`.
 */

/** On the wire a decimal is a string; the SDK turns it into a `Stripe.Decimal` only when it parses a response. */
export function wireDecimal(value: string): Stripe.Decimal {
  return value as unknown as Stripe.Decimal;
}

export const priceTemplate: Stripe.Price = {
  id: 'price_1PgafmB7WZ01zgkW6dKueIc5',
  object: 'price',
  active: true,
  billing_scheme: 'per_unit',
  created: 1721948530,
  currency: 'usd',
  custom_unit_amount: null,
  livemode: false,
  lookup_key: null,
  metadata: {},
  nickname: null,
  product: 'prod_QXg1hqf4jFNsqG',
  recurring: { interval: 'month', interval_count: 1, meter: null, trial_period_days: null, usage_type: 'licensed' },
  tax_behavior: 'unspecified',
  tiers_mode: null,
  transform_quantity: null,
  type: 'recurring',
  unit_amount: 2000,
  unit_amount_decimal: wireDecimal('2000'),
};

/** The legacy plan Stripe still embeds next to each item's price: the same price seen as a plan. */
export const planTemplate: Stripe.Plan = {
  id: 'price_1PgafmB7WZ01zgkW6dKueIc5',
  object: 'plan',
  active: true,
  amount: 2000,
  amount_decimal: wireDecimal('2000'),
  billing_scheme: 'per_unit',
  created: 1721948530,
  currency: 'usd',
  interval: 'month',
  interval_count: 1,
  livemode: false,
  metadata: {},
  meter: null,
  nickname: null,
  product: 'prod_QXg1hqf4jFNsqG',
  tiers_mode: null,
  transform_usage: null,
  trial_period_days: null,
  usage_type: 'licensed',
};

export const subscriptionItemTemplate: Stripe.SubscriptionItem = {
  id: 'si_QXhVnC2h0Jczwc',
  object: 'subscription_item',
  billing_thresholds: null,
  created: 1721954054,
  current_period_end: 1724632454,
  current_period_start: 1721954054,
  current_trial: null,
  discounts: [],
  metadata: {},
  plan: planTemplate,
  price: priceTemplate,
  quantity: 1,
  subscription: 'sub_1Pgc6rB7WZ01zgkWNy0Cn5nw',
  tax_rates: [],
};

export const subscriptionTemplate: Stripe.Subscription = {
  id: 'sub_1Pgc6rB7WZ01zgkWNy0Cn5nw',
  object: 'subscription',
  application: null,
  application_fee_percent: null,
  automatic_tax: { disabled_reason: null, enabled: false, liability: null },
  billing_cycle_anchor: 1721954054,
  billing_cycle_anchor_config: null,
  billing_mode: { flexible: null, type: 'classic' },
  billing_schedules: [],
  billing_thresholds: null,
  cancel_at: null,
  cancel_at_period_end: false,
  canceled_at: null,
  cancellation_details: { comment: null, feedback: null, feedback_option: null, reason: null },
  collection_method: 'charge_automatically',
  created: 1721954054,
  currency: 'usd',
  customer: 'cus_QXg1o8vcGmoR32',
  customer_account: null,
  days_until_due: null,
  default_payment_method: null,
  default_source: null,
  default_tax_rates: [],
  description: null,
  discounts: [],
  ended_at: null,
  invoice_settings: { account_tax_ids: null, custom_fields: null, description: null, footer: null, issuer: { type: 'self' } },
  items: {
    object: 'list',
    data: [subscriptionItemTemplate],
    has_more: false,
    url: '/v1/subscription_items?subscription=sub_1Pgc6rB7WZ01zgkWNy0Cn5nw',
  },
  latest_invoice: null,
  livemode: false,
  managed_payments: { enabled: false },
  metadata: {},
  next_pending_invoice_item_invoice: null,
  on_behalf_of: null,
  pause_collection: null,
  payment_settings: { payment_method_options: null, payment_method_types: null, save_default_payment_method: 'off' },
  pending_invoice_item_interval: null,
  pending_setup_intent: null,
  pending_update: null,
  schedule: null,
  start_date: 1721954054,
  status: 'active',
  test_clock: null,
  transfer_data: null,
  trial_end: null,
  trial_settings: { end_behavior: { billing_cycle_anchor: null, missing_payment_method: 'create_invoice' } },
  trial_start: null,
};
