import { StripeEvent } from '../webhooks/stripe-event.entity.js';
import { StripeSyncLock } from './stripe-sync-lock.entity.js';
import { StripeSyncRun, StripeSyncSlice } from './stripe-sync-run.entity.js';
import { StripeSyncState } from './stripe-sync-state.entity.js';

/** The module's own tables, beside the mirrored objects': events, runs and their slices, leases, state. */
export const BOOKKEEPING_ENTITIES = [StripeEvent, StripeSyncState, StripeSyncRun, StripeSyncSlice, StripeSyncLock];
