import { type CanActivate, type ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ResolvedStripeSyncOptions } from '../interfaces/stripe-sync-options.interface.js';
import { STRIPE_SYNC_OPTIONS } from '../stripe-sync.constants.js';

/**
 * Lets a request through only with `Authorization: Bearer <adminToken>`, or defers to the host app's `guard`.
 * Without either, every request is refused: the routes are never open by accident.
 */
@Injectable()
export class StripeSyncAdminGuard implements CanActivate {
  constructor(@Inject(STRIPE_SYNC_OPTIONS) private readonly options: ResolvedStripeSyncOptions) {}

  canActivate(context: ExecutionContext) {
    if (this.options.guard) return this.options.guard.canActivate(context);
    const header = context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>().headers.authorization;
    const token = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
    if (this.options.adminToken === undefined || token === undefined || !sameSecret(token, this.options.adminToken)) {
      throw new UnauthorizedException('A valid admin token is required: Authorization: Bearer <adminToken>');
    }
    return true;
  }
}

/** Constant-time comparison; hashing first makes the inputs the same length. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
