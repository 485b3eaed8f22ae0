import pLimit, { type LimitFunction } from 'p-limit';
import type { RequestGovernor } from './stripe-request-governor.js';

/** Weight of the newest page in the moving averages. */
const SMOOTHING = 0.1;
/** Times vary: a quarter more pages under way than the averages need keeps the pace filled. */
const HEADROOM = 1.25;

/**
 * How many list pages full syncs have under way at once (asked for, or received and not yet written), across
 * every run, type and account: enough for the governor's pace, not Stripe's answer time, to be the limit (the
 * pages per second the pace allows × the time a page is under way, with headroom), at least `min` (the number
 * when requests are not paced) and at most `max`.
 * Full syncs split `created` ranges while the budget has room, and each page waits for a place in it; holding
 * the place until the page is written also bounds the memory that pages take when the database is slower.
 * Pages are written `writesAtOnce` at a time, each on a connection of the host's pool: the app's own queries keep
 * the rest of it during a full sync.
 */
export class PageBudget {
  private inFlight = 0;
  private readonly queue: (() => void)[] = [];
  /** Moving averages over recent pages: requests per page, and ms from a page's arrival to its write. */
  private requestsPerPage = 1;
  private writeMs = 0;
  private readonly writes: LimitFunction;
  /** Of each run under way: the objects its slice with the most left still has (an estimate). */
  private readonly largestLeft = new Set<() => number>();

  constructor(
    private readonly governor: RequestGovernor,
    private readonly min: number,
    private readonly max: number,
    /** Child lists a page makes at once (`concurrency`). */
    private readonly childListsAtOnce: number,
    writesAtOnce: number,
  ) {
    this.writes = pLimit(writesAtOnce);
  }

  get size(): number {
    const { currentRate, latencyMs } = this.governor;
    if (currentRate === 0) return this.min;
    // A page whose children Stripe embedded only in part waits for their lists too: one answer time more, and one
    // more for each further round of `childListsAtOnce` lists when its objects have many.
    const childLists = this.requestsPerPage - 1;
    const answerTimes = 1 + Math.min(1, childLists) + Math.max(0, childLists - this.childListsAtOnce) / this.childListsAtOnce;
    const underWayMs = latencyMs * answerTimes + this.writeMs;
    const needed = Math.ceil(((currentRate / this.requestsPerPage) * underWayMs * HEADROOM) / 1000);
    return Math.min(this.max, Math.max(this.min, needed));
  }

  /** A page made `requests` requests and took `writeMs` to be written after it arrived. */
  observePage(requests: number, writeMs: number): void {
    this.requestsPerPage += (requests - this.requestsPerPage) * SMOOTHING;
    this.writeMs += (writeMs - this.writeMs) * SMOOTHING;
  }

  /** Counts a run's largest slice in `largestSliceLeft` until the function it answers is called. */
  track(largestLeft: () => number): () => void {
    this.largestLeft.add(largestLeft);
    return () => this.largestLeft.delete(largestLeft);
  }

  /** The objects left in the largest slice of all runs under way, of every type and account. */
  get largestSliceLeft(): number {
    return Math.max(0, ...[...this.largestLeft].map((left) => left()));
  }

  /** Runs a page's write once fewer than `writesAtOnce` writes are under way. */
  write<T>(work: () => Promise<T>): Promise<T> {
    return this.writes(work);
  }

  /** How many more pages would be sent at once rather than wait. */
  get free(): number {
    return this.size - this.inFlight - this.queue.length;
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
