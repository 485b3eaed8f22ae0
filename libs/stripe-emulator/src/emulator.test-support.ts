import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import type { StripeEmulator } from './emulator.server.js';

/** The official client pointed at the emulator, without retries so that each call is one request. */
export function clientFor(emulator: StripeEmulator, key = 'sk_test_123'): Stripe {
  return new Stripe(key, { ...emulator.clientOptions(), maxNetworkRetries: 0 });
}

/** The error a request fails with; throws if it succeeds. */
export async function rejection(promise: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  try {
    await promise;
  } catch (error) {
    return error as Stripe.errors.StripeError;
  }
  throw new Error('expected the request to fail');
}

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  eventId: string;
}

/** A webhook endpoint for the tests: records what it receives and answers the statuses queued, then 200. */
export class Receiver {
  readonly received: Received[] = [];
  readonly statuses: number[] = [];
  /** Holds each answer back this long. */
  delayMs = 0;
  private readonly server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      this.received.push({ headers: request.headers, body, eventId: (JSON.parse(body) as Stripe.Event).id });
      const status = this.statuses.shift() ?? 200;
      setTimeout(() => response.writeHead(status).end(), this.delayMs);
    });
  });

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhooks`;
  }

  listen(): Promise<void> {
    return new Promise((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
