import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { SubscriptionActionService } from 'nestjs-stripe-sync';
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
  const webhookSecret = emulator ? emulator.addWebhookEndpoint({ url: `${url}/stripe/webhook` }).secret : config.webhookSecret;

  const app = await NestFactory.create(
    AppModule.forConfig({ ...config, stripe, webhookSecret, stripeApiKey: config.stripeApiKey ?? EMULATOR_KEY }),
  );
  app.enableShutdownHooks();
  if (emulator) process.once('beforeExit', () => void emulator.stop());
  await app.listen(config.port, config.host);

  const summary = await app.get(SubscriptionActionService).syncAll();
  logger.log(`Initial sync: ${JSON.stringify(summary)}`);

  console.log(`
Stripe mirror ready at ${url}/stripe/subscriptions
Admin token${config.adminTokenGenerated ? ' (generated; set ADMIN_TOKEN to choose one)' : ''}: ${config.adminToken}
Try:
  curl -H "Authorization: Bearer ${config.adminToken}" "${url}/stripe/subscriptions?limit=3"
Webhooks: ${url}/stripe/webhook${emulator ? ` (the emulator delivers to it: change a subscription with\n  curl -u ${EMULATOR_KEY}: ${emulator.url}/v1/subscriptions/<id> -d "metadata[plan]=gold")` : ''}
`);
}

void bootstrap();
