import type Stripe from 'stripe';
import { chargeTemplate } from './emulator.fixtures.js';
import { between, pick, prng, token } from './emulator.seed.js';

/*
 * How card payments look, for generated payments and those made through the API alike: the card
 * behind a payment method, a charge's outcome, a decline, a receipt, an amount in a message.
 */

const CURRENCY_SIGNS: Record<string, string> = { usd: '$', eur: '€', gbp: '£' };
const CARDS = [
  ['visa', '4242', 60],
  ['mastercard', '4444', 30],
  ['amex', '8431', 10],
] as const;

/** A PRNG seeded by a string, for details that must agree wherever the string appears (a card by its payment method). */
function prngOf(text: string): () => number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return prng(hash);
}

/** An amount as Stripe's messages and line descriptions write it: `$9.00`. */
export function money(amount: number, currency: string): string {
  return `${CURRENCY_SIGNS[currency] ?? `${currency.toUpperCase()} `}${(amount / 100).toFixed(2)}`;
}
/** The card a payment method stands for, the same wherever it is used. */
export function cardOf(paymentMethod: string, amountAuthorized: number | null): Stripe.Charge.PaymentMethodDetails {
  const random = prngOf(paymentMethod);
  const [brand, last4] = pick(
    random,
    CARDS.map(([brand, last4, weight]) => [[brand, last4], weight] as const),
  );
  return {
    card: {
      ...chargeTemplate.payment_method_details!.card!,
      amount_authorized: amountAuthorized,
      brand,
      exp_month: between(random, 1, 12),
      exp_year: between(random, 2027, 2033),
      fingerprint: token(random, 16),
      last4,
      network: brand,
    },
    type: 'card',
  };
}

/** How a card payment fails: Stripe's error code, the bank's decline code, and the message for the customer. */
export interface Decline {
  code: 'card_declined';
  decline_code: string;
  message: string;
}

export const INSUFFICIENT_FUNDS: Decline = {
  code: 'card_declined',
  decline_code: 'insufficient_funds',
  message: 'Your card has insufficient funds.',
};

/** A payment intent's error after a declined charge. */
export function paymentError(decline: Decline, charge: string): Stripe.PaymentIntent.LastPaymentError {
  return {
    ...decline,
    charge,
    doc_url: 'https://stripe.com/docs/error-codes/card-declined',
    payment_method_type: 'card',
    type: 'card_error',
  };
}

/** A charge's outcome: authorized, or declined by the card's bank. */
export function chargeOutcome(decline: Decline | undefined, riskScore: number): Stripe.Charge.Outcome {
  if (!decline) return { ...chargeTemplate.outcome!, risk_score: riskScore };
  return {
    advice_code: 'try_again_later',
    network_advice_code: null,
    network_decline_code: '51',
    network_status: 'declined_by_network',
    reason: decline.decline_code,
    risk_level: 'normal',
    risk_score: riskScore,
    seller_message: `The bank returned the decline code \`${decline.decline_code}\`.`,
    type: 'issuer_declined',
  };
}

/** A receipt link, as succeeded charges carry. */
export function receiptUrl(random: () => number): string {
  return `https://pay.stripe.com/receipts/invoices/${token(random, 60)}?s=ap`;
}
