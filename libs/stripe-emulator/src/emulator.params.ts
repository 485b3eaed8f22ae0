import { invalidRequest } from './emulator.errors.js';
import type { CreatedRange, PageQuery } from './emulator.list.js';

/** Form parameters with their brackets resolved: `items[0][price]=x` reads `{ items: { 0: { price: 'x' } } }`. */
export interface Form {
  [name: string]: string | Form;
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Compiles parameter names: `[n]` in a name stands for any index, `[*]` for any key. */
export function allowedParams(...names: string[]): RegExp[] {
  return ['expand', 'expand[n]', ...names].map((name) => {
    const source = escapeRegExp(name).split('\\[n\\]').join('\\[\\d*\\]').split('\\[\\*\\]').join('\\[[^\\]]+\\]');
    return new RegExp(`^${source}$`);
  });
}

/** Stripe rejects parameters it does not know; here that also flags those the emulator lacks. Expansion is ignored: ids stay ids. */
export function checkParams(params: URLSearchParams, allowed: readonly RegExp[]): void {
  for (const name of params.keys()) {
    if (allowed.some((pattern) => pattern.test(name))) continue;
    throw invalidRequest(`Received unknown parameter: ${name} (not supported by the Stripe emulator)`, name, 'parameter_unknown');
  }
}

export function toInteger(raw: string, param: string): number {
  if (!/^-?\d+$/.test(raw)) throw invalidRequest(`Invalid integer: ${raw}`, param, 'parameter_invalid_integer');
  return Number(raw);
}

export function integerParam(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  return raw === null ? undefined : toInteger(raw, name);
}

export function toBoolean(raw: string, param: string): boolean {
  if (raw !== 'true' && raw !== 'false') throw invalidRequest(`Invalid boolean: ${raw}`, param);
  return raw === 'true';
}

export function missingParam(param: string) {
  return invalidRequest(`Missing required param: ${param}.`, param, 'parameter_missing');
}

/** Resolves bracketed names into nested hashes; `a[]=x` appends to `a`. */
export function formOf(params: URLSearchParams): Form {
  // Without a prototype, so that a key such as `__proto__` is just a key.
  const form = Object.create(null) as Form;
  for (const [name, value] of params) {
    const path = name.split('[').map((part, index) => (index === 0 ? part : part.replace(/\]$/, '')));
    let node = form;
    path.forEach((segment, index) => {
      const key = segment === '' ? String(Object.keys(node).length) : segment;
      const existing = node[key];
      if (index === path.length - 1) {
        if (typeof existing === 'object') throw invalidRequest(`Invalid ${name}: the parameter is also given as a hash`, name);
        node[key] = value;
        return;
      }
      if (typeof existing === 'string') throw invalidRequest(`Invalid ${name}: the parameter is also given as a string`, name);
      node = node[key] = existing ?? Object.create(null);
    });
  }
  return form;
}

/** A string parameter; a hash where a string belongs is a client error. */
export function text(form: Form, name: string, param = name): string | undefined {
  const value = form[name];
  if (typeof value === 'object') throw invalidRequest(`Invalid string: ${param} must be a string, not a hash`, param);
  return value;
}

/** A hash parameter: null when sent empty, which unsets it. */
export function hash(form: Form, name: string, param = name): Form | null | undefined {
  const value = form[name];
  if (value === '') return null;
  if (typeof value === 'string') throw invalidRequest(`Invalid object: ${param} must be a hash`, param);
  return value;
}

/** The elements of a list parameter (`items[0][price]=…`) in index order, each read by `read(list, index, param)`. */
function elements<T>(form: Form, name: string, read: (list: Form, index: string, param: string) => T): T[] {
  const list = hash(form, name) ?? {};
  return Object.keys(list)
    .sort((a, b) => Number(a) - Number(b))
    .map((index) => read(list, index, `${name}[${index}]`));
}

/** A list of hashes, each with its param name for error messages. */
export function listParam(form: Form, name: string): [param: string, element: Form][] {
  return elements(form, name, (list, index, param) => [param, hash(list, index, param) ?? {}]);
}

export function stringsParam(form: Form, name: string): string[] {
  return elements(form, name, (list, index, param) => text(list, index, param) ?? '');
}

export const PAGE_PARAMS = ['limit', 'starting_after', 'ending_before'];
export const CREATED_PARAMS = ['created', 'created[gt]', 'created[gte]', 'created[lt]', 'created[lte]'];

/** The paging parameters of a list request. */
export function pageQuery(query: URLSearchParams): PageQuery {
  const limit = integerParam(query, 'limit') ?? 10;
  if (limit < 1 || limit > 100) throw invalidRequest('Invalid limit: must be between 1 and 100', 'limit');
  // An empty cursor is what the SDK sends for `null`; treat it as absent.
  const startingAfter = query.get('starting_after') || undefined;
  const endingBefore = query.get('ending_before') || undefined;
  if (startingAfter && endingBefore) {
    throw invalidRequest('You may only specify one of these parameters: ending_before, starting_after.', 'ending_before');
  }
  return { limit, startingAfter, endingBefore };
}

/** `created` as an exact value or as gt/gte/lt/lte bounds, folded into one inclusive range. */
export function createdRange(query: URLSearchParams): CreatedRange {
  const bound = (name: string, shift: number) => {
    const value = integerParam(query, name);
    return value === undefined ? undefined : value + shift;
  };
  const exact = bound('created', 0);
  const lows = [exact, bound('created[gte]', 0), bound('created[gt]', 1)].filter((value) => value !== undefined);
  const highs = [exact, bound('created[lte]', 0), bound('created[lt]', -1)].filter((value) => value !== undefined);
  return { createdMin: Math.max(-Infinity, ...lows), createdMax: Math.min(Infinity, ...highs) };
}
