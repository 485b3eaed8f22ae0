import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CustomerActionService, StripeSyncService } from 'nestjs-stripe-sync';
import { StripeEmulator } from 'nestjs-stripe-sync-emulator';
import { AppModule } from './app.module.js';
import { readSampleConfig } from './sample.config.js';

const EMULATOR_KEY = 'sk_test_local_emulator';
const EMULATOR_SUBSCRIPTIONS = 300;

async function bootstrap() {
  const logger = new Logger('Sample');
  const config = readSampleConfig();

  // With no Stripe key, a local Stripe emulator with a few hundred subscriptions stands in for Stripe.
  const emulator = config.stripeApiKey ? undefined : await StripeEmulator.start({ seed: EMULATOR_SUBSCRIPTIONS });
  if (emulator) logger.log(`No STRIPE_API_KEY: using the local Stripe emulator at ${emulator.url}`);
  const stripe = emulator ? { ...emulator.clientOptions() } : config.stripe;
  const url = `http://${config.host}:${config.port}`;
  // The emulator delivers its events to this app, signed with the secret it gives the endpoint.
  // With STRIPE_WEBHOOK_SECRET set, the emulator signs with it, so that events can be signed by hand with the same one.
  const webhookSecret = emulator
    ? emulator.addWebhookEndpoint({ url: `${url}/stripe/webhook`, secret: config.webhookSecret }).secret
    : config.webhookSecret;

  const app = await NestFactory.create(
    AppModule.forConfig({ ...config, stripe, webhookSecret, stripeApiKey: config.stripeApiKey ?? EMULATOR_KEY }),
  );
  app.enableShutdownHooks();
  if (emulator) process.once('beforeExit', () => void emulator.stop());
  await app.listen(config.port, config.host);

  const summary = await app.get(StripeSyncService).syncAll();
  logger.log(`Initial sync in ${summary.durationMs} ms: ${summary.objects!.map((run) => `${run.seen} ${run.object}`).join(', ')}`);
  const [customer] = (await app.get(CustomerActionService).list({}, { limit: 1, includeDeleted: false })).data;

  console.log(`
Stripe mirror ready at ${url}/stripe (customers, products, prices, subscriptions, invoices, payment-intents, charges, refunds)
Admin token${config.adminTokenGenerated ? ' (generated; set ADMIN_TOKEN to choose one)' : ''}: ${config.adminToken}
Try:
  curl -H "Authorization: Bearer ${config.adminToken}" "${url}/stripe/subscriptions?limit=3"
  curl -H "Authorization: Bearer ${config.adminToken}" "${url}/stripe/invoices?status=paid&limit=3"${customer ? `
  curl -H "Authorization: Bearer ${config.adminToken}" "${url}/stripe/customers/${customer.id}/subscriptions"` : ''}
Webhooks: ${url}/stripe/webhook${emulator ? ` (the emulator delivers to it, signed with ${webhookSecret}, the local emulator's secret;\n  change a subscription with: curl -u ${EMULATOR_KEY}: ${emulator.url}/v1/subscriptions/<id> -d "metadata[plan]=gold")` : ''}
`);
}

void bootstrap();
