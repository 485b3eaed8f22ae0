import {
  type ArgumentsHost,
  BadGatewayException,
  BadRequestException,
  Catch,
  ConflictException,
  type ExceptionFilter,
  type HttpException,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import Stripe from 'stripe';
import {
  InvalidStripeObjectError,
  MirrorObjectNotFoundError,
  SyncAlreadyRunningError,
} from '../actions/stripe-action.errors.js';
import { LeaseLostError } from '../persistence/sync-leases.js';

/**
 * Answers the actions' own errors with the matching 4xx, and a failed Stripe call with 502 and Stripe's message
 * (which never holds a whole key), in Nest's usual error body.
 */
@Injectable()
@Catch(MirrorObjectNotFoundError, InvalidStripeObjectError, SyncAlreadyRunningError, LeaseLostError, Stripe.errors.StripeError)
export class StripeSyncErrorsFilter implements ExceptionFilter {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(error: Error, host: ArgumentsHost) {
    const exception = toHttpException(error);
    this.adapterHost.httpAdapter.reply(host.switchToHttp().getResponse(), exception.getResponse(), exception.getStatus());
  }
}

function toHttpException(error: Error): HttpException {
  if (error instanceof MirrorObjectNotFoundError) return new NotFoundException(error.message);
  if (error instanceof SyncAlreadyRunningError) return new ConflictException({ statusCode: 409, message: error.message, runId: error.runId });
  if (error instanceof LeaseLostError) return new ConflictException(error.message);
  if (error instanceof Stripe.errors.StripeError) return new BadGatewayException(`Stripe answered ${error.type}: ${error.message}`);
  return new BadRequestException(error.message);
}
