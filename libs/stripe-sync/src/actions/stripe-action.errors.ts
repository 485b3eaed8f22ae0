/** The object is not in the mirror (the controller answers 404). */
export class MirrorObjectNotFoundError extends Error {
  constructor(
    readonly objectName: string,
    readonly id: string,
  ) {
    super(`No ${objectName} ${id} in the mirror`);
    this.name = 'MirrorObjectNotFoundError';
  }
}

/** Data given to `sync`/`syncBatch` is not a Stripe object of the expected kind (the controller answers 400). */
export class InvalidStripeObjectError extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field} ${problem}`);
    this.name = 'InvalidStripeObjectError';
  }

  /** The same problem, with its field named inside `parent` (`batch[3]`). */
  within(parent: string): InvalidStripeObjectError {
    return new InvalidStripeObjectError(`${parent}.${this.field}`, this.problem);
  }
}

/**
 * A full sync was asked for while one of the same types is running, here or in another instance (the controller
 * answers 409). `objectName` is the type asked for, or `all` for the whole account.
 */
export class SyncAlreadyRunningError extends Error {
  constructor(
    readonly objectName: string,
    readonly runId?: string,
  ) {
    super(
      `A full sync ${objectName === 'all' ? 'of the whole account' : `of ${objectName}s`} overlaps one already running${runId ? ` (run ${runId})` : ''}`,
    );
    this.name = 'SyncAlreadyRunningError';
  }
}
