/**
 * The object as Stripe sent it, without the SDK's non-enumerable extras. A shallow copy, not a deep one: the
 * JSON column serialises it once, when it is written.
 */
export function toRaw(object: object): Record<string, unknown> {
  return { ...object };
}
