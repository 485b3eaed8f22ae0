import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { WEBHOOK_ROUTE } from '../stripe-sync.constants.js';

/** Stripe's events are far below this; a larger body is refused before it is read into memory. */
export const WEBHOOK_BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * Keeps the webhook's raw bytes as `request.rawBody`, so the signature can be checked without the host app
 * creating itself with `rawBody: true`. On Express it reads the body before Nest's JSON parser, which then
 * leaves the request alone; it is installed as soon as the HTTP adapter exists, before the parsers are.
 * Other adapters need `rawBody: true` (the webhook route says so when the raw body is missing).
 */
@Injectable()
export class WebhookRawBodyCapture {
  constructor(adapterHost: HttpAdapterHost, @Inject(WEBHOOK_ROUTE) route: string) {
    adapterHost.init$.subscribe(() => {
      const adapter = adapterHost.httpAdapter;
      // No adapter in an application context without HTTP.
      if (adapter?.getType() === 'express') adapter.use(captureRawBody(`/${route}`));
    });
  }
}

function captureRawBody(route: string) {
  return (request: IncomingMessage & { rawBody?: Buffer }, response: ServerResponse, next: (error?: unknown) => void) => {
    const path = (request.url ?? '').split('?')[0].replace(/\/+$/, '');
    if (request.method !== 'POST' || !path.endsWith(route)) return next();
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= WEBHOOK_BODY_LIMIT_BYTES) chunks.push(chunk);
    });
    request.on('end', () => {
      if (size > WEBHOOK_BODY_LIMIT_BYTES) {
        response.writeHead(413, { 'Content-Type': 'application/json' });
        response.end(JSON.stringify({ statusCode: 413, message: `Webhook body over ${WEBHOOK_BODY_LIMIT_BYTES} bytes` }));
        return;
      }
      request.rawBody = Buffer.concat(chunks);
      next();
    });
    request.on('error', next);
  };
}
