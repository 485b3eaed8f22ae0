/** The values Stripe documents for the fields the mirror stores, which objects given as data must keep to. */

export const SUBSCRIPTION_STATUSES = ['incomplete', 'incomplete_expired', 'trialing', 'active', 'past_due', 'canceled', 'unpaid', 'paused'];
export const COLLECTION_METHODS = ['charge_automatically', 'send_invoice'];
export const INVOICE_STATUSES = ['draft', 'open', 'paid', 'uncollectible', 'void'];
export const PAYMENT_INTENT_STATUSES = [
  'requires_payment_method',
  'requires_confirmation',
  'requires_action',
  'processing',
  'requires_capture',
  'canceled',
  'succeeded',
];
export const CHARGE_STATUSES = ['succeeded', 'pending', 'failed'];
export const REFUND_STATUSES = ['pending', 'requires_action', 'succeeded', 'failed', 'canceled'];
export const PRICE_TYPES = ['one_time', 'recurring'];
export const BILLING_SCHEMES = ['per_unit', 'tiered'];
export const INTERVALS = ['day', 'week', 'month', 'year'];
export const USAGE_TYPES = ['licensed', 'metered'];
export const TAX_BEHAVIORS = ['exclusive', 'inclusive', 'unspecified'];
export const CAPTURE_METHODS = ['automatic', 'automatic_async', 'manual'];
