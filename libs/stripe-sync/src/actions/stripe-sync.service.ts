import { Inject, Injectable } from '@nestjs/common';
import { MIRRORED_ACTIONS } from '../stripe-sync.constants.js';
import { FullSyncService } from './full-sync.service.js';
import type { StripeActionService, StripeObject } from './stripe-action.service.js';
import type { StartedSyncAll, SyncAllSummary } from './stripe-action.interfaces.js';

export type AnyStripeAction = StripeActionService<never, StripeObject>;

/** The mirror as a whole: every mirrored type's action, and full syncs of the whole account. */
@Injectable()
export class StripeSyncService {
  constructor(
    /** Parents first (a customer's type before its subscriptions'). */
    @Inject(MIRRORED_ACTIONS) readonly actions: AnyStripeAction[],
    private readonly fullSync: FullSyncService,
  ) {}

  /** The action of the mirrored type `name` (Stripe's `object`, such as `invoice`), if it is mirrored. */
  action(name: string): AnyStripeAction | undefined {
    return this.actions.find((action) => action.objectName === name);
  }

  /** One full sync of every mirrored type, parents first, under one run id; resumes an unfinished one. */
  async syncAll(): Promise<SyncAllSummary> {
    return (await this.startSyncAll()).done;
  }

  startSyncAll(): Promise<StartedSyncAll> {
    return this.fullSync.startWholeAccount(this.actions);
  }
}
