import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type Stripe from 'stripe';
import { Brackets, type Repository } from 'typeorm';
import pLimit from 'p-limit';
import type { EventApplication, StripeObject } from '../actions/stripe-action.service.js';
import { type AnyStripeAction, StripeSyncService } from '../actions/stripe-sync.service.js';
import { MirrorWriter } from '../persistence/mirror.writer.js';
import { StripeSyncState } from '../persistence/stripe-sync-state.entity.js';
import { describeError } from '../stripe/stripe-errors.js';
import { StripeReader } from '../stripe/stripe-reader.js';
import { MIRRORED_ACTIONS } from '../stripe-sync.constants.js';
import { InvalidStripeObjectError } from '../actions/stripe-action.errors.js';
import { type StripeEventOutcome, StripeSyncTelemetry } from '../metrics/stripe-sync.telemetry.js';
import { MAX_UNIX_SECONDS } from '../objects/stripe-fields.js';
import { StripeEvent, type StripeEventSource } from './stripe-event.entity.js';
import { StripeEventHandlers } from './stripe-event-handlers.js';

export type EventReceipt = 'processed' | 'ignored' | 'duplicate';

export interface EventsCatchUpSummary {
  seen: number;
  processed: number;
  ignored: number;
  duplicates: number;
  requests: number;
  cursor: string | null;
}

const CURSOR_KEY = 'events.cursor';
const CATCH_UP_ACCOUNTS_AT_ONCE = 8;
const AUTHORIZED = 'account.application.authorized';
const LINK_EVENTS = ['account.application.deauthorized', AUTHORIZED];
/** The length of `stripe_events.type`. */
const MAX_EVENT_TYPE_LENGTH = 128;
/** Stripe takes at most this many `types` in one list of events. */
const MAX_EVENT_TYPES = 20;
/** An attempt that has not finished after this long is taken to have died; the next delivery takes over. */
const CLAIM_LEASE_MS = 60_000;

/**
 * Applies Stripe events to the mirror exactly once each, whatever the order and however often they arrive
 * (by webhook or by catch-up), then runs the host app's @OnStripeEvent handlers.
 */
@Injectable()
export class StripeEventsService {
  private readonly logger = new Logger('StripeEventsService');
  /** The action that applies each event type. */
  private readonly actions = new Map<string, AnyStripeAction>();
  private readonly accountAction: AnyStripeAction | undefined;
  private runningCatchUp: Promise<EventsCatchUpSummary> | null = null;

  constructor(
    @InjectRepository(StripeEvent) private readonly events: Repository<StripeEvent>,
    @InjectRepository(StripeSyncState) private readonly state: Repository<StripeSyncState>,
    private readonly writer: MirrorWriter,
    private readonly telemetry: StripeSyncTelemetry,
    private readonly handlers: StripeEventHandlers,
    private readonly stripe: StripeReader,
    @Inject(MIRRORED_ACTIONS) actions: AnyStripeAction[],
    private readonly mirror: StripeSyncService,
  ) {
    for (const action of actions) for (const type of action.definition.eventTypes) this.actions.set(type, action);
    // Mirrored with Connect only.
    this.accountAction = actions.find((action) => action.definition.platformOnly && action.objectName === 'account');
  }

  /**
   * Records and applies one verified event. Answers `duplicate` when it was already handled (or is being
   * handled by a concurrent delivery); throws when applying it failed, after recording the failure.
   */
  async receive(event: Stripe.Event, source: StripeEventSource, listedFor: string | null = null): Promise<EventReceipt> {
    const startedAt = performance.now();
    let outcome: StripeEventOutcome = 'failed';
    try {
      outcome = await this.apply(event, source, listedFor);
      return outcome === 'duplicate' ? 'duplicate' : outcome === 'ignored' || outcome === 'invalid' ? 'ignored' : 'processed';
    } finally {
      this.telemetry.report('eventReceived', outcome, (performance.now() - startedAt) / 1000);
    }
  }

  /** Records and applies the event; answers what became of it. */
  private async apply(event: Stripe.Event, source: StripeEventSource, listedFor: string | null): Promise<StripeEventOutcome> {
    if (!(await this.claim(event, source))) return 'duplicate';
    const action = this.actions.get(event.type);
    const object = event.data.object as unknown as StripeObject;
    let outcome: EventApplication | null = null;
    let row: unknown = null;
    try {
      checkEvent(event);
      const account = event.account ?? listedFor;
      if (LINK_EVENTS.includes(event.type) && account && this.accountAction) {
        outcome = await this.applyLink(event.type, account, event.created);
      } else if (action) {
        outcome = await action.syncFromEvent(object, event.created, event.type, { account });
        row = await action.findOne(object.id);
      }
      await this.events.update(event.id, { status: outcome ? 'processed' : 'ignored', outcome, processedAt: new Date(), error: null });
    } catch (error) {
      if (error instanceof InvalidStripeObjectError) {
        // It can never be applied, however often Stripe sends it again: recorded as such, and answered 200.
        await this.events.update(event.id, { status: 'ignored', outcome: 'invalid', processedAt: new Date(), error: error.message });
        return 'invalid';
      }
      const message = describeError(error);
      this.logger.error(`Event ${event.id} (${event.type}) failed: ${message}`);
      await this.events.update(event.id, { status: 'failed', error: message }).catch(() => undefined);
      throw error;
    }
    const handlerErrors = await this.handlers.run(event, row);
    if (handlerErrors.length > 0) await this.events.update(event.id, { handlerError: handlerErrors.join('\n') });
    return outcome ?? 'ignored';
  }

  /**
   * A connected account's link to the platform, whose event carries an application, not the account. Deauthorized:
   * its row and every row of its objects are soft-deleted, as of the event. Authorized again: its row is retrieved
   * anew, and its objects come back with its next full sync.
   */
  private async applyLink(type: string, account: string, created: number): Promise<EventApplication> {
    if (type === AUTHORIZED) {
      // As of the event, so that it is not older than the deauthorization it undoes.
      const object = await this.stripe.retrieve<{ id: string; object: string }>(`/v1/accounts/${encodeURIComponent(account)}`);
      return this.accountAction!.syncFromEvent(object, created);
    }
    const at = new Date(created * 1000 + 999);
    await this.writer.softDelete(this.accountAction!.tables, account, at);
    await this.writer.softDeleteAccount(
      [...new Set(this.actions.values())].map((action) => action.tables),
      account,
      at,
    );
    return 'deleted';
  }

  /**
   * Applies the events Stripe recorded since the stored cursor (Stripe keeps 30 days; with no cursor yet,
   * all of them), oldest first. Events that already came by webhook are no-ops.
   */
  syncEvents(): Promise<EventsCatchUpSummary> {
    this.runningCatchUp ??= this.catchUp().finally(() => {
      this.runningCatchUp = null;
    });
    return this.runningCatchUp;
  }

  /** Inserts the event's row (the primary key lets one delivery through), or takes over a failed or dead attempt. */
  private async claim(event: Stripe.Event, source: StripeEventSource): Promise<boolean> {
    const now = new Date();
    try {
      await this.events.insert({
        id: event.id,
        // What cannot be stored as sent is recorded as far as it can be, then refused by `checkEvent`.
        type: event.type.slice(0, MAX_EVENT_TYPE_LENGTH),
        created: isUnixTime(event.created) ? new Date(event.created * 1000) : now,
        livemode: event.livemode,
        objectId: (event.data.object as { id?: string }).id ?? null,
        status: 'processing',
        source,
        receivedAt: now,
        claimedAt: now,
      });
      return true;
    } catch (error) {
      if (!this.writer.isDuplicateKey(error)) throw error;
    }
    const retaken = await this.events
      .createQueryBuilder()
      .update()
      .set({ status: 'processing', claimedAt: now, attempts: () => 'attempts + 1' })
      .where('id = :id', { id: event.id })
      .andWhere(
        new Brackets((qb) =>
          qb
            .where('status = :failed', { failed: 'failed' })
            .orWhere(
              new Brackets((dead) =>
                dead
                  .where('status = :processing', { processing: 'processing' })
                  .andWhere('claimed_at < :lease', { lease: new Date(now.getTime() - CLAIM_LEASE_MS) }),
              ),
            ),
        ),
      )
      .execute();
    return retaken.affected === 1;
  }

  /**
   * The platform's events, then each connected account's (read with its header, each with a cursor of its own). An
   * account that fails (one that left the platform answers `account_invalid` until a full sync notices) does not
   * stop the others; the first failure is thrown once they are done.
   */
  private async catchUp(): Promise<EventsCatchUpSummary> {
    const platform = await this.catchUpFor(null);
    let failure: unknown;
    const accounts = await pLimit(CATCH_UP_ACCOUNTS_AT_ONCE).map(await this.mirror.connectedAccountIds(), (account) =>
      this.catchUpFor(account).catch((error: unknown) => void (failure ??= error)),
    );
    if (failure !== undefined) throw failure;
    for (const part of accounts)
      for (const key of ['seen', 'processed', 'ignored', 'duplicates', 'requests'] as const) platform[key] += part![key];
    return platform;
  }

  private async catchUpFor(account: string | null): Promise<EventsCatchUpSummary> {
    const key = account ? `${CURSOR_KEY}:${account}` : CURSOR_KEY;
    const cursor = (await this.state.findOneBy({ key }))?.value ?? null;
    const { events, requests } = await this.listSince(cursor, account);
    const summary: EventsCatchUpSummary = { seen: events.length, processed: 0, ignored: 0, duplicates: 0, requests, cursor };
    for (const event of events) {
      const receipt = await this.receive(event, 'catch-up', account);
      summary[receipt === 'duplicate' ? 'duplicates' : receipt]++;
      // The cursor moves only past applied events, so a failure is retried by the next catch-up.
      await this.state.save({ key, value: event.id, updatedAt: new Date() });
      summary.cursor = event.id;
    }
    return summary;
  }

  /**
   * Every event newer than `cursor` (all Stripe still has without one) of the mirrored types, oldest first. Stripe
   * filters by at most 20 types: with more, every event is read and the others are left out here, so that one
   * cursor still marks one place in one list.
   */
  private async listSince(cursor: string | null, account: string | null): Promise<{ events: Stripe.Event[]; requests: number }> {
    const types = [...this.actions.keys()];
    const filter = types.length <= MAX_EVENT_TYPES ? { types } : {};
    const pages: Stripe.Event[][] = [];
    let requests = 0;
    let page: { data: Stripe.Event[]; has_more: boolean };
    let before = cursor ?? undefined;
    let after: string | undefined;
    do {
      requests++;
      // Pages come newest first; from a cursor, walk towards newer events with ending_before.
      page = await this.stripe.list<Stripe.Event>(
        '/v1/events',
        { limit: 100, ...filter, ...(cursor ? { ending_before: before } : { starting_after: after }) },
        account,
      );
      pages.push(page.data);
      before = page.data[0]?.id;
      after = page.data.at(-1)?.id;
    } while (page.has_more && page.data.length > 0);
    const newestFirst = cursor ? pages.reverse().flat() : pages.flat();
    return { events: newestFirst.reverse().filter((event) => this.actions.has(event.type)), requests };
  }
}

function isUnixTime(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) <= MAX_UNIX_SECONDS;
}

/** What every event must be to be applied; its object is checked by its type's action. */
function checkEvent(event: Stripe.Event): void {
  if (!isUnixTime(event.created)) throw new InvalidStripeObjectError('event.created', `must be Unix seconds from 0 to ${MAX_UNIX_SECONDS}`);
  if (event.type.length > MAX_EVENT_TYPE_LENGTH)
    throw new InvalidStripeObjectError('event.type', `must be at most ${MAX_EVENT_TYPE_LENGTH} characters`);
}
