import {
  type ArgumentsHost,
  BadRequestException,
  Catch,
  ConflictException,
  type ExceptionFilter,
  type HttpException,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import {
  InvalidStripeObjectError,
  MirrorObjectNotFoundError,
  SyncAlreadyRunningError,
} from '../actions/stripe-action.errors.js';

/** Answers the actions' own errors with the matching 4xx, in Nest's usual error body. */
@Injectable()
@Catch(MirrorObjectNotFoundError, InvalidStripeObjectError, SyncAlreadyRunningError)
export class StripeSyncErrorsFilter implements ExceptionFilter {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(error: Error, host: ArgumentsHost) {
    const exception = toHttpException(error);
    this.adapterHost.httpAdapter.reply(host.switchToHttp().getResponse(), exception.getResponse(), exception.getStatus());
  }
}

function toHttpException(error: Error): HttpException {
  if (error instanceof MirrorObjectNotFoundError) return new NotFoundException(error.message);
  if (error instanceof SyncAlreadyRunningError) return new ConflictException(error.message);
  return new BadRequestException(error.message);
}
