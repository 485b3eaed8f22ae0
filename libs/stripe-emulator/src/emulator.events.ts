import type Stripe from 'stripe';
import { type CreatedRange, type Page, type PageQuery, SortedList, windowOf } from './emulator.list.js';
import { escapeRegExp } from './emulator.params.js';
import { makeId } from './emulator.seed.js';

/** The API version of the installed SDK: events render their objects in it. */
export const API_VERSION = '2026-10-28.endive';

/** What an event's `data.object` can be: any Stripe object. */
export interface StripeObject {
  id: string;
  object: string;
}

export interface NewEvent {
  type: string;
  /** Copied as it is now: later changes to the object do not reach the event. */
  object: StripeObject;
  previousAttributes?: object;
  request: Stripe.Event.Request;
  created: number;
  /** The connected account the event happened in; the platform's own events have none. */
  account?: string;
}

export interface EventQuery extends PageQuery, CreatedRange {
  type: (type: string) => boolean;
}

interface LoggedEvent {
  created: number;
  /** Tells apart events of one second: they list in the order they happened. */
  sequence: number;
  event: Stripe.Event;
}

/** Stripe's `type` filter on events: an exact type, or a pattern in which `*` stands for any text. */
export function typeMatcher(pattern: string): (type: string) => boolean {
  const regex = new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`);
  return (type) => regex.test(type);
}

/** Every event so far, newest first, as /v1/events lists them. */
export class EventLog {
  private readonly byId = new Map<string, LoggedEvent>();
  private readonly ordered = new SortedList<LoggedEvent>((a, b) => a.created - b.created || a.sequence - b.sequence);
  private sequence = 0;

  get size(): number {
    return this.byId.size;
  }

  append({ type, object, previousAttributes, request, created, account }: NewEvent): Stripe.Event {
    // Through JSON: a deep copy, with SDK Decimals turned into their wire strings.
    const data = {
      object: JSON.parse(JSON.stringify(object)) as object,
      ...(previousAttributes && { previous_attributes: previousAttributes }),
    };
    // Built from plain fields, so the union of typed events cannot check it; `type` may be any string.
    const event = {
      id: makeId('evt', 24, Math.random),
      object: 'event',
      // Stripe sends `account` on the events of connected accounts only, not as null on the others.
      ...(account !== undefined && { account }),
      api_version: API_VERSION,
      created,
      data,
      livemode: false,
      pending_webhooks: 0,
      request,
      type,
    } as unknown as Stripe.Event;
    const logged = { created, sequence: this.sequence++, event };
    this.byId.set(event.id, logged);
    this.ordered.add(logged);
    return event;
  }

  /** The live event: `pending_webhooks` goes down as deliveries succeed. Serialize or clone it, never mutate it. */
  get(id: string): Stripe.Event | undefined {
    return this.byId.get(id)?.event;
  }

  list(query: EventQuery): Page<Stripe.Event> {
    const page = this.ordered.page(
      windowOf(query, 'event', (id) => this.byId.get(id)),
      (logged) => query.type(logged.event.type),
    );
    return { data: page.data.map((logged) => logged.event), hasMore: page.hasMore };
  }
}
