import type { Type } from '@nestjs/common';
import { Transform, Type as TransformTo } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import type { MirrorFilter, MirroredObjectDefinition } from '../objects/mirrored-object.js';
import { documented } from './openapi.js';
import { describeIdPrefixes, stripeIdPattern } from './stripe-id.pipe.js';

export const MAX_IDS_PER_REQUEST = 1000;
export const MAX_BATCH_SIZE = 1000;

/*
 * The request bodies and queries of a type's routes, made from its declaration: class-validator classes, so that
 * Nest's ValidationPipe checks them and names the field that is wrong.
 */

type PropertyDecorators = PropertyDecorator[];

function declare(target: Type, property: string, decorators: PropertyDecorators): void {
  for (const decorator of decorators) decorator(target.prototype as object, property);
}

/** Names a class made per type (`CustomersSyncByIdsBody`), so that each is a model of its own in the OpenAPI document. */
export function named<T extends Type>(type: T, definition: MirroredObjectDefinition, suffix: string): T {
  return Object.defineProperty(type, 'name', { value: `${pascalCase(definition.resource)}${suffix}` });
}

export function pascalCase(resource: string): string {
  return resource.replace(/(^|-)([a-z])/g, (_, _dash, letter: string) => letter.toUpperCase());
}

/** `true`/`false` in a query string. */
function booleanQuery(name: string): PropertyDecorators {
  return [
    IsOptional(),
    Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value)),
    IsBoolean({ message: `${name} must be true or false` }),
    documented({ type: 'boolean', required: false }),
  ];
}

function idOf(name: string, objectName: string, prefixes: readonly string[], each = false): PropertyDecorators {
  const message = `${each ? `each value in ${name}` : name} must be a Stripe ${objectName} id (${describeIdPrefixes(prefixes)} followed by letters, digits or _)`;
  const id = { type: 'string', maxLength: 255, pattern: stripeIdPattern(prefixes).source, example: `${prefixes[0]}_1Nv0FGQ9RKHgCVdK` };
  const schema = each ? { type: 'array', items: id, minItems: 1, maxItems: MAX_IDS_PER_REQUEST } : { ...id, required: false };
  return [IsString({ each }), MaxLength(255, { each }), Matches(stripeIdPattern(prefixes), { each, message }), documented(schema)];
}

function filterRules(name: string, filter: MirrorFilter): PropertyDecorators {
  switch (filter.kind) {
    case 'id':
      return [IsOptional(), ...idOf(name, name, filter.prefixes)];
    case 'enum':
      return [IsOptional(), IsIn(filter.values), documented({ type: 'string', enum: filter.values, required: false })];
    case 'boolean':
      return booleanQuery(name);
    case 'text':
      return [IsOptional(), IsString(), MaxLength(512), documented({ type: 'string', maxLength: 512, required: false })];
  }
}

/** `{ ids: [...] }` of `sync-by-ids`. */
export function syncByIdsBodyOf(definition: MirroredObjectDefinition): Type {
  class SyncByIdsBody {
    ids: string[];
  }
  declare(SyncByIdsBody, 'ids', [
    IsArray(),
    ArrayNotEmpty(),
    ArrayMaxSize(MAX_IDS_PER_REQUEST),
    ...idOf('ids', definition.name, definition.idPrefixes, true),
  ]);
  return named(SyncByIdsBody, definition, 'SyncByIdsBody');
}

/** `{ batch: [...] }` of `sync-batch`; each entry's `id` and `object` are checked by the action, which names the entry. */
export function syncBatchBodyOf(definition: MirroredObjectDefinition): Type {
  class SyncBatchBody {
    batch: Record<string, unknown>[];
  }
  declare(SyncBatchBody, 'batch', [
    IsArray(),
    ArrayNotEmpty(),
    ArrayMaxSize(MAX_BATCH_SIZE),
    IsObject({ each: true, message: `each value in batch must be a Stripe ${definition.name} object` }),
    documented({
      type: 'array',
      items: { type: 'object', additionalProperties: true },
      minItems: 1,
      maxItems: MAX_BATCH_SIZE,
      description: `Stripe ${definition.name} objects`,
    }),
  ]);
  return named(SyncBatchBody, definition, 'SyncBatchBody');
}

/** The query of the list route: paging, `includeDeleted`, and the type's filters. */
export interface ListQuery {
  limit?: number;
  startingAfter?: string;
  includeDeleted?: boolean;
  [filter: string]: unknown;
}

export function listQueryOf(definition: MirroredObjectDefinition): Type<ListQuery> {
  class MirrorListQuery {}
  declare(MirrorListQuery, 'limit', [
    IsOptional(),
    TransformTo(() => Number),
    IsInt(),
    Min(1),
    Max(100),
    documented({ type: 'integer', minimum: 1, maximum: 100, default: 10, required: false }),
  ]);
  declare(MirrorListQuery, 'startingAfter', [IsOptional(), ...idOf('startingAfter', definition.name, definition.idPrefixes)]);
  declare(MirrorListQuery, 'includeDeleted', booleanQuery('includeDeleted'));
  for (const [name, filter] of Object.entries(filtersOf(definition))) declare(MirrorListQuery, name, filterRules(name, filter));
  return named(MirrorListQuery, definition, 'ListQuery') as Type<ListQuery>;
}

/** The type's filters, and `account` (the connected account the rows belong to), which every type has. */
export function filtersOf(definition: MirroredObjectDefinition): Record<string, MirrorFilter> {
  return { ...definition.filters, account: { property: 'accountId', kind: 'id', prefixes: ['acct'] } };
}
