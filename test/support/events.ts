import Stripe from 'stripe';

export const WEBHOOK_SECRET = 'whsec_e2e_current_secret';
export const OLD_WEBHOOK_SECRET = 'whsec_e2e_previous_secret';

const stripe = new Stripe('sk_test_signing_only');
let sequence = 0;

/** A Stripe event carrying `object`, as Stripe sends it. */
export function makeEvent(type: string, object: object, created: number, id = `evt_test_${++sequence}_${Date.now()}`): Stripe.Event {
  return {
    id,
    object: 'event',
    api_version: '2026-10-28.endive',
    created,
    data: { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  } as unknown as Stripe.Event;
}

/** The body and Stripe-Signature header of a delivery, signed as Stripe signs. */
export function signed(event: object | string, secret = WEBHOOK_SECRET, timestamp = Math.floor(Date.now() / 1000)) {
  const payload = typeof event === 'string' ? event : JSON.stringify(event, null, 2);
  return { payload, signature: stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp }) };
}
