import { BadRequestException, type PipeTransform, type Type } from '@nestjs/common';
import { InvalidInputException } from './stripe-sync-errors.filter.js';

/** Ids with one of `prefixes`, then letters, digits and `_`, as Stripe makes them. */
export function stripeIdPattern(prefixes: readonly string[]): RegExp {
  return new RegExp(`^(${prefixes.join('|')})_[A-Za-z0-9_]+$`);
}

/** How an id of these prefixes is described in error messages: `sub_` or `ch_ / py_`. */
export function describeIdPrefixes(prefixes: readonly string[]): string {
  return prefixes.map((prefix) => `${prefix}_`).join(' / ');
}

/** An optional `account` query value: a connected account's id, or absent. */
export class AccountPipe implements PipeTransform<unknown, string | undefined> {
  private readonly pattern = stripeIdPattern(['acct']);

  transform(value: unknown): string | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value.length > 255 || !this.pattern.test(value)) {
      throw new InvalidInputException([
        { field: 'account', problem: 'must be a Stripe account id (acct_ followed by letters, digits or _)' },
      ]);
    }
    return value;
  }
}

/** A pipe that refuses a route parameter that is not a Stripe id of `objectName`, so it never reaches a query. */
export function stripeIdPipe(objectName: string, prefixes: readonly string[]): Type<PipeTransform<string, string>> {
  const pattern = stripeIdPattern(prefixes);
  const message = `id must be a Stripe ${objectName} id (${describeIdPrefixes(prefixes)} followed by letters, digits or _)`;
  return class StripeIdPipe implements PipeTransform<string, string> {
    transform(value: string): string {
      if (typeof value !== 'string' || value.length > 255 || !pattern.test(value)) throw new BadRequestException(message);
      return value;
    }
  };
}
