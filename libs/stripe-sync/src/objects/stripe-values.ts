/** Conversions shared by every mapping from Stripe objects to mirror rows. */

/** Stripe timestamps are Unix seconds; absent and null both mean "no date". */
export function fromUnix(seconds: number | null | undefined): Date | null {
  return typeof seconds === 'number' ? new Date(seconds * 1000) : null;
}

/** An expandable field arrives as an id, as the object, or as a deleted stub: the id in every case. */
export function idOf(value: string | { id: string } | null | undefined): string | null {
  if (typeof value === 'string') return value;
  return value?.id ?? null;
}

/**
 * The object as Stripe sent it, without the SDK's non-enumerable extras. A shallow copy, not a deep one: the
 * JSON column serialises it once, when it is written.
 */
export function toRaw(object: object): Record<string, unknown> {
  return { ...object };
}
