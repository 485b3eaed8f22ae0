import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { ResolvedStripeSyncOptions } from '../interfaces/stripe-sync-options.interface.js';
import { ROUTE_PREFIX, STRIPE_SYNC_OPTIONS } from '../stripe-sync.constants.js';
import { describeProblem, type StripeSyncErrorBody } from './stripe-sync-errors.filter.js';
import { jsonShapeProblem } from './json-body.decorator.js';

/** Stripe's events are far below this; a larger body is refused before it is read into memory. */
export const WEBHOOK_BODY_LIMIT_BYTES = 1024 * 1024;

type Request = IncomingMessage & { rawBody?: Buffer; body?: unknown; _body?: boolean };

/**
 * Reads the bodies of the module's POST routes itself, on Express, before the host app's parsers (which then leave
 * them alone): the webhook's raw bytes are kept as `request.rawBody`, so that its signature can be checked without
 * the app being created with `rawBody: true`; the other routes' JSON is parsed with the module's own size limit
 * (`jsonBodyLimit`) and depth check. A body too large or not JSON is answered there, in the module's error shape.
 * Other adapters use the app's parsers, and need `rawBody: true` for the webhook (the route says so).
 */
@Injectable()
export class RequestBodyCapture {
  constructor(
    adapterHost: HttpAdapterHost,
    @Inject(ROUTE_PREFIX) prefix: string,
    @Inject(STRIPE_SYNC_OPTIONS) options: Pick<ResolvedStripeSyncOptions, 'jsonBodyLimit'>,
  ) {
    adapterHost.init$.subscribe(() => {
      const adapter = adapterHost.httpAdapter;
      // No adapter in an application context without HTTP.
      if (adapter?.getType() === 'express') adapter.use(captureBodies(`/${prefix}/`, options.jsonBodyLimit));
    });
  }
}

function captureBodies(prefix: string, jsonLimit: number) {
  return (request: Request, response: ServerResponse, next: (error?: unknown) => void) => {
    const path = (request.url ?? '').split('?')[0].replace(/\/+$/, '');
    const at = path.indexOf(prefix);
    if (request.method !== 'POST' || at < 0) return next();
    const webhook = path.slice(at + prefix.length) === 'webhook';
    const limit = webhook ? WEBHOOK_BODY_LIMIT_BYTES : jsonLimit;
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    request.on('end', () => {
      if (size > limit) return reply(response, 413, `The body is over ${limit} bytes`);
      const raw = Buffer.concat(chunks);
      if (webhook) {
        request.rawBody = raw;
        return next();
      }
      // Parsed here or not at all: the stream is read. A body that is not JSON is refused by the route (415).
      request._body = true;
      request.body = {};
      if (!isJson(request) || raw.length === 0) return next();
      try {
        request.body = JSON.parse(raw.toString('utf8'));
      } catch {
        return reply(response, 400, 'The body is not valid JSON');
      }
      const problem = jsonShapeProblem(request.body);
      if (problem) return reply(response, 400, describeProblem(problem), [problem]);
      next();
    });
    request.on('error', next);
  };
}

function isJson(request: IncomingMessage): boolean {
  return (
    String(request.headers['content-type'] ?? '')
      .split(';')[0]
      .trim()
      .toLowerCase() === 'application/json'
  );
}

function reply(response: ServerResponse, statusCode: number, message: string, details?: StripeSyncErrorBody['details']): void {
  const body: StripeSyncErrorBody = { statusCode, error: STATUS_CODES[statusCode]!, message, ...(details && { details }) };
  response.writeHead(statusCode, { 'Content-Type': 'application/json' });
  response.end(JSON.stringify(body));
}
