import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { EntityManager, Repository } from 'typeorm';
import { describeError } from '../stripe/stripe-errors.js';
import { MirrorWriter } from './mirror.writer.js';
import { StripeSyncLock } from './stripe-sync-lock.entity.js';

const LEASE_MS = 60_000;
const RENEW_EVERY_MS = LEASE_MS / 3;
/** A lease with less left than this has missed two renewals: its holder stops rather than risk a takeover mid-write. */
const MIN_REMAINING_MS = RENEW_EVERY_MS;

/** This instance no longer holds the lease of the job it runs: it stopped writing. */
export class LeaseLostError extends Error {
  constructor(
    readonly lease: string,
    reason: string,
    /** The instance that holds it now, if another does. */
    readonly holder: string | null = null,
  ) {
    super(`Lost the lease ${lease}: ${reason}; this instance stopped writing`);
    this.name = 'LeaseLostError';
  }
}

/** This instance is shutting down: the jobs that hold its leases stop, leaving what they did resumable. */
export class InstanceStoppingError extends LeaseLostError {
  constructor(lease: string) {
    super(lease, 'this instance is stopping');
    this.name = 'InstanceStoppingError';
  }
}

/** A held lease; renewed in the background until released or lost. */
export interface SyncLease {
  /** Why the lease was lost; null while it is held. */
  readonly lost: LeaseLostError | null;
  /**
   * Inside a transaction that writes for the job: throws `LeaseLostError` (rolling it back) unless this instance
   * still holds the lease with time to spare. With `extend`, the lease row is renewed in the transaction, so that no
   * other instance can take it over before the transaction ends.
   */
  check(manager: EntityManager, options?: { extend?: boolean }): Promise<void>;
  /** Whether another instance holds the lease now (it then owns the job's records). */
  takenOver(): Promise<boolean>;
  release(): Promise<void>;
}

/**
 * Leases in `stripe_sync_locks` that let one instance at a time run a job, on every database alike. Taking one
 * is a single conditional statement (insert, or take over an expired lease), so two instances cannot both win.
 */
@Injectable()
export class SyncLeases {
  private readonly logger = new Logger('SyncLeases');
  /** This process, as lease owner. */
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`.slice(0, 64);
  /** Set by `stop`: this process takes no lease any more. */
  private stopped = false;
  /** Stops the job of each lease held now. */
  private readonly held = new Set<() => void>();

  constructor(
    @InjectRepository(StripeSyncLock) private readonly locks: Repository<StripeSyncLock>,
    private readonly writer: MirrorWriter,
  ) {}

  /** The lease `name`, or null while another live instance holds it; `InstanceStoppingError` once `stop` was called. */
  async acquire(name: string): Promise<SyncLease | null> {
    if (this.stopped) throw new InstanceStoppingError(name);
    if (!(await this.take(name))) return null;
    let lost: LeaseLostError | null = null;
    const lose = (error: LeaseLostError): never => {
      if (!lost) {
        lost = error;
        clearInterval(heartbeat);
        this.logger.error(lost.message);
      }
      throw lost;
    };
    let renewal: Promise<unknown> = Promise.resolve();
    const heartbeat = setInterval(() => {
      renewal = this.take(name)
        .then(
          (held) => held || lose(new LeaseLostError(name, 'another instance took it over')),
          (error: unknown) => lose(new LeaseLostError(name, `it could not be renewed (${describeError(error)})`)),
        )
        .catch(() => undefined);
    }, RENEW_EVERY_MS);
    heartbeat.unref();
    const stop = () => {
      lost ??= new InstanceStoppingError(name);
      clearInterval(heartbeat);
    };
    this.held.add(stop);
    return {
      get lost() {
        return lost;
      },
      check: async (manager, { extend = false } = {}) => {
        if (lost) throw lost;
        const now = Date.now();
        if (extend) await this.extend(manager, name, now);
        const lease = await manager.findOneBy(StripeSyncLock, { name });
        if (lease?.owner !== this.owner)
          lose(new LeaseLostError(name, `${lease ? lease.owner : 'no instance'} holds it now`, lease?.owner ?? null));
        else if (lease.expiresAt.getTime() - now < MIN_REMAINING_MS) lose(new LeaseLostError(name, 'it was not renewed in time'));
      },
      takenOver: async () => {
        const lease = await this.locks.findOneBy({ name });
        return lease !== null && lease.owner !== this.owner && lease.expiresAt.getTime() > Date.now();
      },
      release: async () => {
        clearInterval(heartbeat);
        this.held.delete(stop);
        // A renewal under way would insert the row again after the delete, and hold the job for a lease's time.
        await renewal;
        await this.locks.delete({ name, owner: this.owner });
      },
    };
  }

  /**
   * Stops every job that holds a lease of this process: each lease counts as lost from now on, so its job asks for
   * nothing more and its next write is refused; no lease is taken any more. The jobs release their leases as they
   * end, so that another instance (or the next run) resumes them at once, not when the leases would have lapsed.
   */
  stop(): void {
    this.stopped = true;
    for (const stop of this.held) stop();
  }

  /** Inserts the lease, or extends it if this process holds it, or takes it over if it has expired. */
  private async take(name: string): Promise<boolean> {
    const now = new Date();
    const expiresAt = new Date(now.getTime() + LEASE_MS);
    try {
      await this.locks.insert({ name, owner: this.owner, expiresAt });
      return true;
    } catch (error) {
      if (!this.writer.isDuplicateKey(error)) throw error;
    }
    const taken = await this.locks
      .createQueryBuilder()
      .update()
      .set({ owner: this.owner, expiresAt })
      .where('name = :name', { name })
      .andWhere('(owner = :owner OR expires_at < :now)', { owner: this.owner, now })
      .execute();
    return taken.affected === 1;
  }

  /** Renews the lease if this process still holds it, locking its row until the transaction ends. */
  private async extend(manager: EntityManager, name: string, now: number): Promise<void> {
    await manager
      .createQueryBuilder()
      .update(StripeSyncLock)
      .set({ expiresAt: new Date(now + LEASE_MS) })
      .where('name = :name', { name })
      .andWhere('owner = :owner AND expires_at > :now', { owner: this.owner, now: new Date(now) })
      .execute();
  }
}
