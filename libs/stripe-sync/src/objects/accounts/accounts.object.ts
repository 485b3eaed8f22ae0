import type Stripe from 'stripe';
import { StripeActionService } from '../../actions/stripe-action.service.js';
import { defineMirroredObject } from '../mirrored-object.js';
import { toAccountRow } from './account.mapper.js';
import { StripeAccount } from './stripe-account.entity.js';

export class AccountActionService extends StripeActionService<StripeAccount, Stripe.Account> {}

/** The platform's connected accounts: mirrored only with the `connect` option, as the platform's own objects. */
export const accounts = defineMirroredObject<StripeAccount, Stripe.Account>({
  name: 'account',
  resource: 'accounts',
  idPrefixes: ['acct'],
  entity: StripeAccount,
  service: AccountActionService,
  // No default filter; deleted accounts are not listed.
  list: { path: '/v1/accounts' },
  platformOnly: true,
  toRow: toAccountRow,
  // `account.application.deauthorized` carries an application, not the account: the events service handles it.
  eventTypes: ['account.updated'],
  filters: { email: { property: 'email', kind: 'text' } },
});
