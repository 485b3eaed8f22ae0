import { BadRequestException, Injectable, type PipeTransform } from '@nestjs/common';

/** Stripe subscription ids: `sub_` then letters, digits and `_`. */
export const SUBSCRIPTION_ID = /^sub_[A-Za-z0-9_]+$/;

/** Refuses a route parameter that is not a Stripe subscription id, so it never reaches a query. */
@Injectable()
export class SubscriptionIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (typeof value !== 'string' || value.length > 255 || !SUBSCRIPTION_ID.test(value)) {
      throw new BadRequestException('id must be a Stripe subscription id (sub_ followed by letters, digits or _)');
    }
    return value;
  }
}
