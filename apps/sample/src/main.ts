import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomBytes } from 'node:crypto';
import { CustomerActionService, StripeSyncService, SyncAlreadyRunningError } from 'nestjs-stripe-sync';
import { setUpOpenApi } from './openapi.js';
import { sampleSettings } from './sample.config.js';
import { EMULATOR_KEY, startEmulatorWithoutKey } from './sample.emulator.js';

async function bootstrap() {
  const logger = new Logger('Sample');
  const env = process.env;
  const url = `http://${env.HOST ?? '127.0.0.1'}:${env.PORT ?? 3000}`;
  const generatedToken = env.ADMIN_TOKEN ? undefined : (env.ADMIN_TOKEN = randomBytes(24).toString('base64url'));

  const emulator = await startEmulatorWithoutKey(env);
  if (emulator) {
    logger.log(`No STRIPE_API_KEY: using the local Stripe emulator at ${emulator.url}`);
    // It delivers its events to this app, signed with STRIPE_WEBHOOK_SECRET when set (to sign events by hand too).
    env.STRIPE_WEBHOOK_SECRET = emulator.addWebhookEndpoint({ url: `${url}/stripe/webhook`, secret: env.STRIPE_WEBHOOK_SECRET }).secret;
    if (env.STRIPE_CONNECT) {
      const connect = { url: `${url}/stripe/webhook`, connect: true, secret: env.STRIPE_CONNECT_WEBHOOK_SECRET };
      env.STRIPE_CONNECT_WEBHOOK_SECRET = emulator.addWebhookEndpoint(connect).secret;
    }
  }

  // Imported now: ConfigModule.forRoot reads and checks the environment as the module loads.
  const { AppModule } = await import('./app.module.js');
  const app = await NestFactory.create(AppModule);
  app.enableShutdownHooks();
  if (emulator) process.once('beforeExit', () => void emulator.stop());
  const settings = app.get<ReturnType<typeof sampleSettings>>(sampleSettings.KEY);
  setUpOpenApi(app);
  await app.listen(settings.PORT, settings.HOST);

  // Another instance on the same database may be running it already: then this one serves what is mirrored.
  const startedAt = performance.now();
  const summary = await app
    .get(StripeSyncService)
    .syncAll()
    .catch((error: unknown) => {
      if (!(error instanceof SyncAlreadyRunningError)) throw error;
      logger.log(`Initial sync: another instance is running one (${error.message})`);
      return undefined;
    });
  if (summary)
    // Timed here: a run resumed from an earlier start counts from that start (`durationMs`).
    logger.log(
      `Initial sync in ${Math.round(performance.now() - startedAt)} ms: ${summary.objects!.map((run) => `${run.seen} ${run.object}`).join(', ')}`,
    );
  if (summary?.accounts)
    logger.log(`Connected accounts: ${summary.accounts.map((account) => `${account.account} (${account.seen} objects)`).join(', ')}`);
  const [customer] = (await app.get(CustomerActionService).list({}, { limit: 1, includeDeleted: false })).data;
  const token = settings.ADMIN_TOKEN;

  console.log(`
Stripe mirror ready at ${url}/stripe (customers, products, prices, subscriptions, invoices, payment-intents, charges, refunds${summary?.accounts ? ', accounts' : ''})
API docs: ${url}/docs (OpenAPI document: ${url}/docs-json)
Admin token${generatedToken ? ' (generated; set ADMIN_TOKEN to choose one)' : ''}: ${token}
Try:
  curl -H "Authorization: Bearer ${token}" "${url}/stripe/subscriptions?limit=3"
  curl -H "Authorization: Bearer ${token}" "${url}/stripe/invoices?status=paid&limit=3"${
    customer
      ? `
  curl -H "Authorization: Bearer ${token}" "${url}/stripe/customers/${customer.id}/subscriptions"`
      : ''
  }
Webhooks: ${url}/stripe/webhook${emulator ? ` (the emulator delivers to it, signed with ${settings.STRIPE_WEBHOOK_SECRET}, the local emulator's secret;\n  change a subscription with: curl -u ${EMULATOR_KEY}: ${emulator.url}/v1/subscriptions/<id> -d "metadata[plan]=gold")` : ''}
`);
}

void bootstrap();
