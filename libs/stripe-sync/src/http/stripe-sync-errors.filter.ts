import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { STATUS_CODES } from 'node:http';
import Stripe from 'stripe';
import { InvalidStripeObjectError, MirrorObjectNotFoundError, SyncAlreadyRunningError } from '../actions/stripe-action.errors.js';
import { LeaseLostError } from '../persistence/sync-leases.js';
import { describeError } from '../stripe/stripe-errors.js';

/** One problem of a request: the field (`batch[3].status`, `limit`) and what is wrong with it. */
export interface ErrorDetail {
  field: string;
  problem: string;
}

/** The body of every error the module's routes answer. */
export interface StripeSyncErrorBody {
  statusCode: number;
  /** The status's name, such as `Bad Request`. */
  error: string;
  /** What went wrong; for bad input, every problem, `field problem; …`. */
  message: string;
  /** Every problem found in the input, when there are several or they have fields. */
  details?: ErrorDetail[];
  /** 409 of a full sync: the run under way. */
  runId?: string;
}

/** Bad input, with each problem named: what the validation of bodies and queries throws. */
export class InvalidInputException extends HttpException {
  constructor(readonly details: ErrorDetail[]) {
    super(details.map(describeProblem).join('; '), 400);
  }
}

/**
 * Answers every error of the module's routes in one shape (`StripeSyncErrorBody`): bad input 400 with its fields,
 * 401, 404, 409 (with the running `runId`), 413, 415, Stripe's failures 502 (its message, never a key), and anything
 * else 500 with no detail, logged without a stack or SQL parameters.
 */
@Injectable()
@Catch()
export class StripeSyncErrorsFilter implements ExceptionFilter {
  private readonly logger = new Logger('StripeSync');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(error: unknown, host: ArgumentsHost) {
    const body = this.toBody(error, host);
    this.adapterHost.httpAdapter.reply(host.switchToHttp().getResponse(), body, body.statusCode);
  }

  private toBody(error: unknown, host: ArgumentsHost): StripeSyncErrorBody {
    if (error instanceof InvalidInputException) return shape(400, error.message, { details: error.details });
    if (error instanceof InvalidStripeObjectError)
      return shape(400, error.message, { details: [{ field: error.field, problem: error.problem }] });
    if (error instanceof MirrorObjectNotFoundError) return shape(404, error.message);
    if (error instanceof SyncAlreadyRunningError) return shape(409, error.message, error.runId ? { runId: error.runId } : {});
    if (error instanceof LeaseLostError) return shape(409, error.message);
    if (error instanceof Stripe.errors.StripeError) return shape(502, `Stripe answered ${error.type}: ${error.message}`);
    if (error instanceof HttpException && error.getStatus() < 500) return shape(error.getStatus(), messageOf(error));
    const request = host.switchToHttp().getRequest<{ method?: string; url?: string }>();
    this.logger.error(`${request.method} ${request.url} failed: ${describeError(error)}`);
    // The module's own 5xx say what to configure; anything else (the database) stays in the logs.
    if (error instanceof HttpException) return shape(error.getStatus(), messageOf(error));
    return shape(500, 'The request could not be completed; the error is in the logs');
  }
}

function shape(statusCode: number, message: string, extra: Partial<StripeSyncErrorBody> = {}): StripeSyncErrorBody {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message, ...extra };
}

/** Nest's exceptions carry a string, or a body whose `message` may be a list. */
function messageOf(error: HttpException): string {
  const response = error.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  return Array.isArray(message) ? message.join('; ') : typeof message === 'string' ? message : error.message;
}

export function describeProblem({ field, problem }: ErrorDetail): string {
  return `${field} ${problem}`;
}
