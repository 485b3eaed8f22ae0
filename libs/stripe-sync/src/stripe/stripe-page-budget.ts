import type { RequestGovernor } from './stripe-request-governor.js';

/**
 * How many list pages full syncs have under way at once (asked for, or received and not yet written), across
 * every run, type and account: enough for the governor's pace, not Stripe's answer time, to be the limit (pace ×
 * average answer time, with headroom), at least `min` (the number when requests are not paced) and at most `max`.
 * Full syncs split `created` ranges while the budget has room, and each page waits for a place in it; holding
 * the place until the page is written also bounds the memory that pages take when the database is slower.
 */
const WRITE_SMOOTHING = 0.1;

export class PageBudget {
  private inFlight = 0;
  private readonly queue: (() => void)[] = [];
  /** Moving average of the time a received page takes to be written, in ms. */
  private writeMs = 0;

  constructor(
    private readonly governor: RequestGovernor,
    private readonly min: number,
    private readonly max: number,
  ) {}

  get size(): number {
    return Math.min(this.max, Math.max(this.min, this.governor.concurrencyFor(this.writeMs)));
  }

  /** A page took `ms` to be written after it arrived: its place was held that much longer. */
  observeWrite(ms: number): void {
    this.writeMs += (ms - this.writeMs) * WRITE_SMOOTHING;
  }

  /** Whether `pages` more pages would be sent at once rather than wait. */
  hasRoomFor(pages: number): boolean {
    return this.inFlight + this.queue.length + pages <= this.size;
  }

  /** Resolves once the budget has room for one more page; the function it answers gives the place back. */
  async take(): Promise<() => void> {
    if (this.queue.length === 0 && this.inFlight < this.size) this.inFlight++;
    // admit() counts it in as it wakes it.
    else await new Promise<void>((resolve) => this.queue.push(resolve));
    let given = false;
    return () => {
      if (given) return;
      given = true;
      this.inFlight--;
      this.admit();
    };
  }

  private admit(): void {
    while (this.queue.length > 0 && this.inFlight < this.size) {
      this.inFlight++;
      this.queue.shift()!();
    }
  }
}
