import type Stripe from 'stripe';
import { ACCOUNT_TYPES, type AccountFields, type AccountType } from './emulator.accounts.js';
import { invalidRequest } from './emulator.errors.js';
import { wireList } from './emulator.list.js';
import {
  allowedParams,
  checkParams,
  CREATED_PARAMS,
  createdRange,
  type Form,
  formOf,
  hash,
  missingParam,
  PAGE_PARAMS,
  pageQuery,
  text,
} from './emulator.params.js';
import type { Route, RouteContext } from './emulator.routes.js';
import { mergeMetadata, previousAttributes } from './emulator.writes.js';

/*
 * The routes of Connect accounts: `/v1/account` for the account a request acts as, and `/v1/accounts`
 * with which the platform manages its connected accounts.
 */

const NO_PARAMS = allowedParams();
const LIST_PARAMS = allowedParams(...PAGE_PARAMS, ...CREATED_PARAMS);
const CHANGE_PARAMS = ['email', 'business_profile', 'business_profile[name]', 'metadata', 'metadata[*]'];
// Capabilities are taken but not tracked: an account made through the API has them inactive until onboarding.
const CREATE_PARAMS = allowedParams('type', 'country', 'capabilities[*][requested]', ...CHANGE_PARAMS);
const UPDATE_PARAMS = allowedParams(...CHANGE_PARAMS);

/** The fields a create or an update sets; an empty email or name unsets it. */
function changesOf(form: Form, metadata: Stripe.Metadata): Pick<AccountFields, 'email' | 'businessName' | 'metadata'> {
  const email = text(form, 'email');
  const profile = hash(form, 'business_profile');
  const businessName = profile ? text(profile, 'name', 'business_profile[name]') : profile === null ? null : undefined;
  return {
    email: email === '' ? null : email,
    businessName: businessName === '' ? null : businessName,
    metadata: form.metadata === undefined ? undefined : mergeMetadata(metadata, form, 'metadata'),
  };
}

export function createAccountRoutes({ accounts }: RouteContext): Route[] {
  return [
    {
      method: 'GET',
      pattern: '/v1/account',
      handle(query, _, __, { account }) {
        checkParams(query, NO_PARAMS);
        return accounts.render(account);
      },
    },
    {
      method: 'GET',
      pattern: '/v1/accounts',
      platformOnly: true,
      handle(query) {
        checkParams(query, LIST_PARAMS);
        const page = accounts.list({ ...pageQuery(query), ...createdRange(query) });
        return wireList('/v1/accounts', page.data, page.hasMore);
      },
    },
    {
      method: 'POST',
      pattern: '/v1/accounts',
      platformOnly: true,
      handle(params) {
        checkParams(params, CREATE_PARAMS);
        const form = formOf(params);
        const type = text(form, 'type');
        // Stripe also takes `controller` properties instead of a type; the emulator knows types only.
        if (!type) throw missingParam('type');
        if (!ACCOUNT_TYPES.includes(type as AccountType))
          throw invalidRequest(`Invalid type: must be one of ${ACCOUNT_TYPES.join(', ')}`, 'type');
        const country = text(form, 'country') ?? 'US';
        if (!/^[A-Z]{2}$/.test(country))
          throw invalidRequest(
            `Country '${country}' is unknown. Try using a 2-character alphanumeric country code instead, such as 'US', 'EG', or 'GB'.`,
            'country',
          );
        const { email, businessName, metadata } = changesOf(form, {});
        return accounts.create({ type: type as AccountType, country, email, businessName, metadata }, false);
      },
    },
    {
      method: 'GET',
      pattern: '/v1/accounts/:id',
      platformOnly: true,
      handle(query, [id], _, { maskedKey }) {
        checkParams(query, NO_PARAMS);
        return accounts.retrieve(id, maskedKey);
      },
    },
    {
      method: 'POST',
      pattern: '/v1/accounts/:id',
      platformOnly: true,
      handle(params, [id], request, { maskedKey }) {
        checkParams(params, UPDATE_PARAMS);
        const current = accounts.retrieve(id, maskedKey);
        const { before, after } = accounts.update(id, maskedKey, changesOf(formOf(params), current.metadata ?? {}));
        const previous = previousAttributes(before, after);
        // The event is the connected account's: it carries `account` and goes to Connect endpoints.
        if (previous) accounts.dataOf(id).emit('account.updated', after, request, previous);
        return after;
      },
    },
    {
      method: 'DELETE',
      pattern: '/v1/accounts/:id',
      platformOnly: true,
      handle(params, [id], _, { maskedKey }) {
        checkParams(params, NO_PARAMS);
        accounts.remove(id, maskedKey);
        return { id, object: 'account', deleted: true };
      },
    },
  ];
}
