import { InvalidStripeObjectError } from '../actions/stripe-action.errors.js';

/** The latest time Stripe could send (year 9999): a Unix time beyond it is no time at all. */
export const MAX_UNIX_SECONDS = 253_402_300_799;
/** Ids: Stripe's (`cus_…`), and the ids of products and prices created with ids of their own. */
const ID = /^[A-Za-z0-9_.:-]{1,255}$/;
/** The `IdColumn` length. */
const ID_LENGTH = 255;
/** The `CodeColumn` length. */
const CODE_LENGTH = 64;

/**
 * Reads a Stripe object's fields for a mapper, each as the type its column stores: a field of another type, an id
 * that is not one, a time no Date can hold, or (with `strict`, for objects given as data rather than sent by
 * Stripe) a value outside the field's documented set, is an `InvalidStripeObjectError` naming its path. Absent and
 * null read as null. Nothing is converted: `"true"` is not a boolean.
 */
export class StripeFields {
  constructor(
    private readonly object: Record<string, unknown>,
    private readonly strict = false,
    private readonly path = '',
  ) {}

  /** The object's own `id`, which it must have. */
  ownId(): string {
    const id = this.object.id;
    if (typeof id !== 'string' || !ID.test(id)) this.refuse('id', `must be a Stripe id of at most ${ID_LENGTH} characters`);
    return id;
  }

  /** The fields of a nested object (`invoice_settings`), or of an empty one when it is absent or null. */
  at(name: string): StripeFields {
    const value = this.object[name];
    if (value !== undefined && value !== null && !isObject(value)) this.refuse(name, 'must be an object');
    return new StripeFields(value ?? {}, this.strict, `${this.path}${name}.`);
  }

  /** Free text, such as a description or a URL, at most `maxLength` characters when given. */
  text(name: string, maxLength?: number): string | null {
    const value = this.read(name);
    if (value === null) return null;
    if (typeof value !== 'string') this.refuse(name, 'must be a string');
    if (maxLength !== undefined && value.length > maxLength) this.refuse(name, `must be at most ${maxLength} characters`);
    return value;
  }

  /** A short code (currency, status, interval); with `values`, strict reading accepts only those. */
  code(name: string, values?: readonly string[]): string | null {
    const value = this.text(name, CODE_LENGTH);
    if (value !== null && this.strict && values && !values.includes(value)) this.refuse(name, `must be one of ${values.join(', ')}`);
    return value;
  }

  /** A three-letter ISO currency code, lower case as Stripe writes it. */
  currency(name: string): string | null {
    const value = this.text(name);
    if (value !== null && !/^[a-z]{3}$/.test(value)) this.refuse(name, 'must be a three-letter currency code in lower case');
    return value;
  }

  /** An expandable reference: an id, the object itself, or a deleted stub; its id in every case. */
  id(name: string): string | null {
    const value = this.read(name);
    if (value === null) return null;
    const id = isObject(value) ? value.id : value;
    if (typeof id !== 'string' || !ID.test(id))
      this.refuse(name, `must be a Stripe id (or an object with one), at most ${ID_LENGTH} characters`);
    return id;
  }

  /** An integer that JavaScript holds exactly, such as an amount in the smallest currency unit. */
  integer(name: string): number | null {
    const value = this.read(name);
    if (value === null) return null;
    if (!Number.isSafeInteger(value)) this.refuse(name, 'must be an integer');
    return value as number;
  }

  flag(name: string): boolean | null {
    const value = this.read(name);
    if (value === null) return null;
    if (typeof value !== 'boolean') this.refuse(name, 'must be true or false');
    return value;
  }

  /** Unix seconds, as a Date. */
  time(name: string): Date | null {
    const value = this.read(name);
    if (value === null) return null;
    if (!Number.isSafeInteger(value) || (value as number) < 0 || (value as number) > MAX_UNIX_SECONDS) {
      this.refuse(name, `must be Unix seconds from 0 to ${MAX_UNIX_SECONDS}`);
    }
    return new Date((value as number) * 1000);
  }

  /** An embedded list (`items`): its entries, each an object with an id, with their fields; and whether Stripe cut it short. */
  list(name: string): { entries: { entry: Record<string, unknown>; fields: StripeFields }[]; hasMore: boolean } {
    const list = this.at(name);
    const data: unknown = list.read('data') ?? [];
    if (!Array.isArray(data)) return list.refuse('data', 'must be a list');
    return { entries: this.entries(name, data), hasMore: list.flag('has_more') === true };
  }

  /** The entries of the list `name` (embedded, or listed apart), each checked to be an object with an id. */
  entries(name: string, data: unknown[]): { entry: Record<string, unknown>; fields: StripeFields }[] {
    return data.map((entry, i) => {
      const path = `${this.path}${name}.data[${i}]`;
      if (!isObject(entry)) throw new InvalidStripeObjectError(path, 'must be an object');
      const fields = new StripeFields(entry, this.strict, `${path}.`);
      fields.ownId();
      return { entry, fields };
    });
  }

  /** `metadata`: Stripe's hash of strings; absent or null is empty. */
  metadata(): Record<string, string> {
    const value = this.read('metadata');
    if (value === null) return {};
    if (!isObject(value) || Object.values(value).some((entry) => typeof entry !== 'string'))
      this.refuse('metadata', 'must be a hash of strings');
    return value as Record<string, string>;
  }

  private read(name: string): unknown {
    return this.object[name] ?? null;
  }

  private refuse(name: string, problem: string): never {
    throw new InvalidStripeObjectError(`${this.path}${name}`, problem);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
