import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Repository } from 'typeorm';
import { MirrorWriter } from './mirror.writer.js';
import { StripeSyncLock } from './stripe-sync-lock.entity.js';

const LEASE_MS = 60_000;

/** A held lease; renewed in the background until released. */
export interface SyncLease {
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

  constructor(
    @InjectRepository(StripeSyncLock) private readonly locks: Repository<StripeSyncLock>,
    private readonly writer: MirrorWriter,
  ) {}

  /** The lease `name`, or null while another live instance holds it. */
  async acquire(name: string): Promise<SyncLease | null> {
    if (!(await this.take(name))) return null;
    const heartbeat = setInterval(() => {
      this.take(name)
        .then((held) => held || this.logger.error(`Lost the lease ${name}: another instance took it over`))
        .catch((error: unknown) => this.logger.error(`Could not renew the lease ${name}: ${String(error)}`));
    }, LEASE_MS / 3);
    heartbeat.unref();
    return {
      release: async () => {
        clearInterval(heartbeat);
        await this.locks.delete({ name, owner: this.owner });
      },
    };
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
}
