import type { Type } from '@nestjs/common';
import { getMetadataArgsStorage } from 'typeorm';
import { MetadataUtils } from 'typeorm/metadata-builder/MetadataUtils.js';
import type { ColumnMetadataArgs } from 'typeorm/metadata-args/ColumnMetadataArgs.js';

type Swagger = typeof import('@nestjs/swagger');
type SchemaObject = Record<string, unknown>;
type AnyDecorator = (target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => void;

/**
 * `@nestjs/swagger` is an optional peer: with it, the routes describe themselves to the host app's `SwaggerModule`;
 * without it, the decorators below do nothing.
 */
const swagger: Swagger | undefined = await import('@nestjs/swagger').catch((error: { code?: string }) => {
  if (error.code === 'ERR_MODULE_NOT_FOUND') return undefined;
  throw error;
});

/** Applies the OpenAPI decorators `describe` picks from @nestjs/swagger, when the app has it. */
export function ApiDocs(describe: (swagger: Swagger) => readonly unknown[]): ClassDecorator & MethodDecorator & PropertyDecorator {
  return (target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => {
    if (!swagger) return;
    for (const decorator of describe(swagger)) (decorator as AnyDecorator)(target, key, descriptor);
  };
}

/** The schema of a property of a body or query, for `ApiProperty`. */
export const documented = (schema: SchemaObject): PropertyDecorator => ApiDocs(({ ApiProperty }) => [ApiProperty(schema)]);

/** `#/components/schemas/<Name>` of a class described with `describeRows`. */
export const refTo = (model: Type): SchemaObject => ({ $ref: `#/components/schemas/${model.name}` });

const described = new WeakSet<Type>();

/**
 * Describes the rows of an entity from its TypeORM columns (its own and inherited), as the routes answer them:
 * camelCase properties, timestamps as ISO strings, Stripe's amounts and Unix times as integers, JSON as objects.
 * Then the entity is a model of the document (`ApiExtraModels`, `refTo`).
 */
export function describeRows(entity: Type): Type {
  if (!swagger || described.has(entity)) return entity;
  described.add(entity);
  for (const column of getMetadataArgsStorage().filterColumns(MetadataUtils.getInheritanceTree(entity))) {
    swagger.ApiProperty(columnSchema(column))(entity.prototype as object, column.propertyName);
  }
  return entity;
}

function columnSchema({ options, mode, propertyName }: ColumnMetadataArgs): SchemaObject {
  const nullable = options.nullable === true;
  const common = { nullable, required: !nullable && propertyName !== 'raw' };
  if (mode === 'createDate' || mode === 'updateDate' || mode === 'deleteDate' || options.type === Date) {
    return { ...common, type: 'string', format: 'date-time' };
  }
  switch (options.type) {
    case 'boolean':
      return { ...common, type: 'boolean' };
    case 'integer':
      return { ...common, type: 'integer' };
    case 'bigint':
      return { ...common, type: 'integer', format: 'int64' };
    case 'json':
      return {
        ...common,
        type: 'object',
        additionalProperties: true,
        ...(propertyName === 'raw' ? { description: 'The object as Stripe sent it (GET …/:id only)' } : {}),
      };
    default:
      return { ...common, type: 'string', ...(options.length ? { maxLength: Number(options.length) } : {}) };
  }
}

const count = { type: 'integer', minimum: 0 };
const ids = { type: 'array', items: { type: 'string' } };

/** The body of every error of the module's routes (`StripeSyncErrorBody`). */
export const errorSchema: SchemaObject = {
  type: 'object',
  required: ['statusCode', 'error', 'message'],
  properties: {
    statusCode: { type: 'integer', example: 400 },
    error: { type: 'string', example: 'Bad Request' },
    message: { type: 'string', example: 'limit must not be greater than 100' },
    details: {
      type: 'array',
      items: {
        type: 'object',
        required: ['field', 'problem'],
        properties: { field: { type: 'string', example: 'limit' }, problem: { type: 'string' } },
      },
    },
    runId: { type: 'string', format: 'uuid', description: 'The run under way (409 of a full sync)' },
  },
};

const writeCounts = { seen: count, inserted: count, updated: count, softDeleted: count, restored: count, requests: count };

/** `SyncAllSummary`: of one type, or of the whole account (`object: 'all'`) with each type's and account's. */
export const runSummarySchema: SchemaObject = {
  type: 'object',
  required: [
    'runId',
    'object',
    'seen',
    'inserted',
    'updated',
    'softDeleted',
    'restored',
    'requests',
    'startedAt',
    'finishedAt',
    'durationMs',
  ],
  properties: {
    runId: { type: 'string', format: 'uuid' },
    object: { type: 'string', example: 'customer' },
    account: { type: 'string', description: 'The connected account; absent for the platform' },
    ...writeCounts,
    startedAt: { type: 'string', format: 'date-time' },
    finishedAt: { type: 'string', format: 'date-time' },
    durationMs: count,
    objects: { type: 'array', items: { type: 'object', description: 'The summary of each type (a run of the whole account)' } },
    accounts: {
      type: 'array',
      items: { type: 'object', properties: { account: { type: 'string' }, completed: { type: 'boolean' }, ...writeCounts } },
    },
  },
};

export const startedRunSchema: SchemaObject = {
  type: 'object',
  required: ['runId'],
  properties: { runId: { type: 'string', format: 'uuid' } },
};

export const syncByIdsResultSchema: SchemaObject = {
  type: 'object',
  required: ['synced', 'missing', 'failed'],
  properties: {
    synced: ids,
    missing: { ...ids, description: 'Stripe answered resource_missing: soft-deleted in the mirror' },
    failed: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, error: { type: 'string' } } } },
  },
};

export const syncBatchResultSchema: SchemaObject = { type: 'object', required: ['synced'], properties: { synced: ids } };

export const eventsCatchUpSchema: SchemaObject = {
  type: 'object',
  properties: {
    seen: count,
    processed: count,
    ignored: count,
    duplicates: count,
    requests: count,
    cursor: { type: 'string', nullable: true },
  },
};

export const webhookReceiptSchema: SchemaObject = {
  type: 'object',
  properties: { received: { type: 'boolean', example: true }, result: { type: 'string', enum: ['processed', 'ignored', 'duplicate'] } },
};

/** `{ data: [rows], hasMore }` of a list route. */
export const pageOf = (row: Type, hasMore = true): SchemaObject => ({
  type: 'object',
  required: ['data', ...(hasMore ? ['hasMore'] : [])],
  properties: { data: { type: 'array', items: refTo(row) }, ...(hasMore ? { hasMore: { type: 'boolean' } } : {}) },
});

/** `GET …/customers/:id/subscriptions` (`CustomerSubscription`). */
export const customerSubscriptionsSchema: SchemaObject = {
  type: 'object',
  properties: {
    data: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          status: { type: 'string' },
          currentPeriodEnd: { type: 'string', format: 'date-time', nullable: true },
          items: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                id: { type: 'string' },
                quantity: { type: 'integer', nullable: true },
                price: { type: 'object', nullable: true, additionalProperties: true },
                product: {
                  type: 'object',
                  nullable: true,
                  properties: { id: { type: 'string' }, name: { type: 'string', nullable: true } },
                },
              },
            },
          },
        },
      },
    },
  },
};

/** The OpenAPI description of a `sync-all` route: `?wait`, the summary or 202 with the run id, 409 while one runs. */
export const SyncAllDocs = (summary: string) =>
  ApiDocs((swagger) => [
    swagger.ApiOperation({ summary }),
    swagger.ApiQuery({
      name: 'wait',
      required: false,
      type: 'boolean',
      description: 'false: answer 202 with the run id at once (default true)',
    }),
    swagger.ApiOkResponse({ description: 'The run completed', schema: runSummarySchema }),
    swagger.ApiAcceptedResponse({ description: '?wait=false: the run started', schema: startedRunSchema }),
    swagger.ApiConflictResponse({ description: 'A full sync of the same objects is under way (its runId)', schema: errorSchema }),
    swagger.ApiBadGatewayResponse({ description: 'Stripe failed', schema: errorSchema }),
  ]);

export const AccountQueryDocs = (what: string) =>
  ApiDocs(({ ApiQuery }) => [
    ApiQuery({
      name: 'account',
      required: false,
      type: 'string',
      pattern: '^acct_[A-Za-z0-9_]+$',
      description: `The connected account ${what}; absent: the platform's own`,
    }),
  ]);

/** The tag, bearer scheme and error answers of the admin routes. */
export const AdminDocs = (tag: string) =>
  ApiDocs((swagger) => [
    swagger.ApiTags(tag),
    swagger.ApiBearerAuth(),
    swagger.ApiBadRequestResponse({ description: 'Bad input: every problem, with its field', schema: errorSchema }),
    swagger.ApiUnauthorizedResponse({ description: 'No or wrong bearer token', schema: errorSchema }),
  ]);
