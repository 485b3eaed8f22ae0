import type { Type } from '@nestjs/common';
import type { MirrorEntity, MirrorRow } from '../persistence/mirror-entity.interface.js';
import type { StripeParams } from '../stripe/stripe-reader.js';
import type { StripeFields } from './stripe-fields.js';
import type { StripeActionService, StripeObject } from '../actions/stripe-action.service.js';

/** A list of children that Stripe embeds in their parent, at most 10 of them (a subscription's items). */
export interface MirroredChildDefinition<TChild extends MirrorEntity = MirrorEntity, TChildObject = any, TParent = any> {
  entity: Type<TChild>;
  /** The field of the parent that embeds them, such as `items`. */
  field: string;
  /** Property of the child that holds its parent's id. */
  parentProperty: string & keyof TChild;
  /** Where all of a parent's children are listed, from the start, when the embedded list is cut short. */
  list(parentId: string): { path: string; params?: StripeParams };
  /** The row of one child; `read` reads its fields, checked (see `StripeFields`). */
  toRow(child: TChildObject, parent: TParent, read: StripeFields): MirrorRow<TChild>;
}

/** A filter of the list route: `?<query>=value` keeps the rows whose `property` equals it. */
export type MirrorFilter =
  | { property: string; kind: 'id'; prefixes: readonly string[] }
  | { property: string; kind: 'enum'; values: readonly string[] }
  | { property: string; kind: 'boolean' }
  | { property: string; kind: 'text' };

/**
 * Everything the module needs to mirror one kind of Stripe object: its routes, its events, its full sync and its
 * tables all follow from this. A built-in type is this declaration, an entity and a mapper.
 */
export interface MirroredObjectDefinition<TEntity extends MirrorEntity & { created: Date } = any, TObject extends StripeObject = any> {
  /** Stripe's `object`, such as `customer`. */
  name: string;
  /** The path segment of its routes, such as `customers`. */
  resource: string;
  /** The prefixes of its ids, such as `cus`: the routes refuse other ids. */
  idPrefixes: readonly string[];
  entity: Type<TEntity>;
  /** The injectable service that mirrors it: a subclass of `StripeActionService`, often empty. */
  service: Type<StripeActionService<TEntity, TObject>>;
  /** Stripe's list and the parameters that make it return every object, whatever its state. */
  list: { path: string; params?: StripeParams };
  /** Objects only the platform has, such as its connected accounts: never read for a connected account. */
  platformOnly?: boolean;
  /** Where one object is retrieved; default `<list path>/<id>`. */
  retrievePath?(id: string): string;
  /**
   * The row of `object`; `read` reads its fields, checked (see `StripeFields`); `children` are the rows of each child
   * list, in the order of `children`.
   */
  toRow(object: TObject, read: StripeFields, children: MirrorRow<MirrorEntity>[][]): MirrorRow<TEntity>;
  /** Each child list has types of its own. */
  children?: readonly MirroredChildDefinition<any, any, any>[];
  /** The event types whose `data.object` is one of these objects. */
  eventTypes: readonly string[];
  /** Those of `eventTypes` that say the object was deleted in Stripe (its row is soft-deleted). */
  deletedEventTypes?: readonly string[];
  /** Filters of the list route, by query parameter. */
  filters?: Readonly<Record<string, MirrorFilter>>;
  /** The types whose ids these objects hold: a run of the whole account mirrors those first. */
  parents?: readonly string[];
  /** Names the field that makes `data` unusable as this object (absent or of the wrong type), or null. */
  invalidField?(data: Record<string, unknown>): string | null;
}

/** Declares a child list; only checks and types the declaration. */
export function defineMirroredChild<TChild extends MirrorEntity, TChildObject, TParent>(
  definition: MirroredChildDefinition<TChild, TChildObject, TParent>,
): MirroredChildDefinition<TChild, TChildObject, TParent> {
  return definition;
}

/** Declares a mirrored type; only checks and types the declaration. */
export function defineMirroredObject<TEntity extends MirrorEntity & { created: Date }, TObject extends StripeObject>(
  definition: MirroredObjectDefinition<TEntity, TObject>,
): MirroredObjectDefinition<TEntity, TObject> {
  return definition;
}
