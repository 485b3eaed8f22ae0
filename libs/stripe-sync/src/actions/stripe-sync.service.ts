import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, type Repository } from 'typeorm';
import { accounts as accountObjects } from '../objects/accounts/accounts.object.js';
import { StripeAccount } from '../objects/accounts/stripe-account.entity.js';
import { MirrorWriter } from '../persistence/mirror.writer.js';
import { StripeAccounts } from '../stripe/stripe-accounts.js';
import { MIRRORED_ACTIONS } from '../stripe-sync.constants.js';
import { type AccountSources, FullSyncService } from './full-sync.service.js';
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
    private readonly accounts: StripeAccounts,
    @InjectRepository(StripeAccount) private readonly accountRows: Repository<StripeAccount>,
    private readonly writer: MirrorWriter,
  ) {}

  /** The action of the mirrored type `name` (Stripe's `object`, such as `invoice`), if it is mirrored. */
  action(name: string): AnyStripeAction | undefined {
    return this.actions.find((action) => action.objectName === name);
  }

  /**
   * One full sync of every mirrored type under one run id; with Connect, also of every selected connected
   * account's types, once the platform's accounts are listed. Resumes an unfinished one.
   */
  async syncAll(): Promise<SyncAllSummary> {
    return (await this.startSyncAll()).done;
  }

  async startSyncAll(): Promise<StartedSyncAll> {
    const platform = await this.accounts.scope();
    return this.fullSync.startWholeAccount(
      this.actions.map((action) => action.sourceFor(platform)),
      this.accounts.connect
        ? {
            listedBy: accountObjects.name,
            sources: async () => {
              await this.softDeleteLeftAccounts();
              return Promise.all((await this.connectedAccountIds()).map((account) => this.sourcesOf(account)));
            },
          }
        : null,
    );
  }

  /** One full sync of every type of one connected account, under one run id. */
  async startAccountSyncAll(account: string): Promise<StartedSyncAll> {
    const { sources } = await this.sourcesOf(account);
    return this.fullSync.startWholeAccount(sources, null, account);
  }

  /** The connected accounts to mirror: those listed in `connect`, or every one the mirror holds (not deauthorized). */
  async connectedAccountIds(): Promise<string[]> {
    if (!this.accounts.connect) return [];
    const live = await this.accountRows.find({ where: { deletedAt: IsNull() }, select: { id: true }, order: { id: 'ASC' } });
    return live.map((row) => row.id).filter((id) => this.accounts.selects(id));
  }

  private async sourcesOf(account: string): Promise<AccountSources> {
    const scope = await this.accounts.scope(account);
    return { account, sources: this.connectedActions().map((action) => action.sourceFor(scope)) };
  }

  /**
   * The rows of the connected accounts the accounts' sweep found gone (Stripe no longer lists them: they left the
   * platform) are soft-deleted, as their deauthorization would have, had its event not been missed.
   */
  private async softDeleteLeftAccounts(): Promise<void> {
    await this.writer.softDeleteOfLeftAccounts(
      StripeAccount,
      this.connectedActions().map((action) => action.tables),
      new Date(),
    );
  }

  /** The actions of the types a connected account has. */
  private connectedActions(): AnyStripeAction[] {
    return this.actions.filter((action) => !action.definition.platformOnly);
  }
}
