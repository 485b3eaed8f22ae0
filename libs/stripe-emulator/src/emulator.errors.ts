/** The `error` object of Stripe's error responses. */
export interface StripeErrorBody {
  type: 'api_error' | 'card_error' | 'invalid_request_error';
  message: string;
  code?: string;
  param?: string;
  doc_url?: string;
  /** Card errors: the bank's reason, and what the failed payment left behind. */
  decline_code?: string;
  charge?: string;
  payment_intent?: object;
}

/** Thrown by request handlers; the server answers it with Stripe's error shape. */
export class EmulatorError extends Error {
  constructor(
    readonly status: number,
    readonly body: StripeErrorBody,
    readonly headers: Record<string, string> = {},
  ) {
    super(body.message);
  }
}

export function invalidRequest(message: string, param?: string, code?: string): EmulatorError {
  return new EmulatorError(400, { type: 'invalid_request_error', message, code, param });
}

/** Stripe answers a missing object with 404, but a missing list cursor or filter object with 400. */
export function resourceMissing(kind: string, id: string, param: string, status = 404): EmulatorError {
  return new EmulatorError(status, {
    type: 'invalid_request_error',
    code: 'resource_missing',
    param,
    message: `No such ${kind}: '${id}'`,
  });
}

/** A declined card: 402, with the failed charge and the intent that stays open for another card. */
export function cardDeclined(
  decline: { code: string; decline_code: string; message: string },
  charge: string,
  paymentIntent: object,
): EmulatorError {
  return new EmulatorError(402, { type: 'card_error', ...decline, charge, payment_intent: paymentIntent });
}

export function unrecognizedUrl(method: string, path: string): EmulatorError {
  return new EmulatorError(404, {
    type: 'invalid_request_error',
    message: `Unrecognized request URL (${method}: ${path}). The Stripe emulator serves only a subset of the API; see libs/stripe-emulator.`,
  });
}

/**
 * Stripe's answer to a `Stripe-Account` header naming an account the key cannot act for: one that does not
 * exist, was deleted, is not connected to the platform, or revoked the platform's access (deauthorized).
 * Stripe does not tell these apart, and answers 403, which the SDK raises as `StripePermissionError`.
 * `maskedKey` is the key as Stripe's messages show it.
 */
export function accountInvalid(maskedKey: string, account: string): EmulatorError {
  return new EmulatorError(403, {
    type: 'invalid_request_error',
    code: 'account_invalid',
    doc_url: 'https://stripe.com/docs/error-codes/account-invalid',
    message: `The provided key '${maskedKey}' does not have access to account '${account}' (or that account does not exist). Application access may have been revoked.`,
  });
}

export function authenticationFailed(message: string): EmulatorError {
  return new EmulatorError(401, { type: 'invalid_request_error', message });
}

/**
 * Stripe's answer to too many requests. It names the limiter in `Stripe-Rate-Limited-Reason` and
 * documents no `Retry-After`, nor `Stripe-Should-Retry`, so the SDK does not retry it on its own.
 */
export function rateLimited(cause: string, retryAfterSeconds?: number): EmulatorError {
  const headers: Record<string, string> = { 'Stripe-Rate-Limited-Reason': 'global-rate' };
  if (retryAfterSeconds !== undefined) headers['Retry-After'] = String(retryAfterSeconds);
  return new EmulatorError(
    429,
    {
      type: 'invalid_request_error',
      code: 'rate_limit',
      message: `Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits. (${cause})`,
    },
    headers,
  );
}

/** What a fault answers: Stripe's rate-limit shape for 429, a generic API error otherwise. */
export function injectedFault(status: number, cause = 'injected fault'): EmulatorError {
  if (status === 429) return rateLimited(cause);
  const type = status >= 500 ? 'api_error' : 'invalid_request_error';
  return new EmulatorError(status, { type, message: `An unknown error occurred (${cause}, HTTP ${status}).` });
}
