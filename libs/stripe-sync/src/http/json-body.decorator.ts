import {
  createParamDecorator,
  type ExecutionContext,
  type PipeTransform,
  type Type,
  UnsupportedMediaTypeException,
  ValidationPipe,
} from '@nestjs/common';
import type { ValidationError } from 'class-validator';
import { type ErrorDetail, InvalidInputException } from './stripe-sync-errors.filter.js';

/** Stripe's objects nest a handful of levels; a deeper body is refused before anything walks it recursively. */
export const MAX_JSON_DEPTH = 32;
/** Keys that would reach an object's prototype where a body is copied or merged. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * The JSON body of a route, refused with 415 unless sent as `application/json`, and with 400 when it nests deeper
 * than `MAX_JSON_DEPTH` or holds a key such as `__proto__`. Validate it with the pipes given after the data
 * argument: `@JsonBody(undefined, validated(Dto))`.
 */
export const JsonBody = createParamDecorator((_: unknown, context: ExecutionContext) => {
  const request = context.switchToHttp().getRequest<{ headers: Record<string, unknown>; body?: unknown }>();
  const header = request.headers['content-type'];
  const type = (typeof header === 'string' ? header : '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json')
    throw new UnsupportedMediaTypeException(`The body must be JSON (Content-Type: application/json), not ${type || 'missing'}`);
  const problem = jsonShapeProblem(request.body);
  if (problem) throw new InvalidInputException([problem]);
  return request.body;
});

/** What is wrong with a parsed JSON value's shape, if anything; walks it without recursion, so no depth overflows the stack. */
export function jsonShapeProblem(body: unknown): ErrorDetail | null {
  const pending: { value: unknown; path: string; depth: number }[] = [{ value: body, path: '', depth: 0 }];
  while (pending.length > 0) {
    const { value, path, depth } = pending.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MAX_JSON_DEPTH) return { field: path || 'body', problem: `nests deeper than ${MAX_JSON_DEPTH} levels` };
    for (const key of Object.keys(value)) {
      const field = Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
      if (!Array.isArray(value) && FORBIDDEN_KEYS.has(key)) return { field, problem: 'is not an allowed key' };
      pending.push({ value: (value as Record<string, unknown>)[key], path: field, depth: depth + 1 });
    }
  }
  return null;
}

/** Checks a body or query against `type`, naming every field that is wrong; unknown fields are refused. */
export function validated(type: Type): PipeTransform {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    expectedType: type,
    validateCustomDecorators: true,
    exceptionFactory: (errors) => new InvalidInputException(errors.flatMap((error) => detailsOf(error, ''))),
  });
}

function detailsOf(error: ValidationError, parent: string): ErrorDetail[] {
  const field = /^\d+$/.test(error.property) ? `${parent}[${error.property}]` : parent ? `${parent}.${error.property}` : error.property;
  const own = Object.values(error.constraints ?? {}).map((constraint) => ({ field, problem: problemOf(constraint, error.property) }));
  return [...own, ...(error.children ?? []).flatMap((child) => detailsOf(child, field))];
}

/** class-validator's messages start with the property's name, which the detail's field already says. */
function problemOf(constraint: string, property: string): string {
  return constraint.startsWith(`${property} `) ? constraint.slice(property.length + 1) : constraint;
}
