import { StripeEmulator } from 'nestjs-stripe-sync-emulator';

export const EMULATOR_KEY = 'sk_test_local_emulator';
const EMULATOR_SUBSCRIPTIONS = 300;
const EMULATOR_CONNECTED_ACCOUNTS = 3;

/**
 * With no `STRIPE_API_KEY`, a local Stripe emulator stands in for Stripe: its address and key go where yours would
 * (`STRIPE_API_KEY`, `STRIPE_API_BASE`). Always the same account; with `SAMPLE_CONNECT=1`, a platform with three
 * connected accounts, mirrored (`STRIPE_CONNECT=all`).
 */
export async function startEmulatorWithoutKey(env: NodeJS.ProcessEnv): Promise<StripeEmulator | undefined> {
  if (env.STRIPE_API_KEY) return undefined;
  const emulator = await StripeEmulator.start({ seed: EMULATOR_SUBSCRIPTIONS });
  env.STRIPE_API_KEY = EMULATOR_KEY;
  env.STRIPE_API_BASE = emulator.url;
  // As the settings read it (`sample.config.ts`), before they are read.
  if (env.SAMPLE_CONNECT === '1' || env.SAMPLE_CONNECT === 'true') {
    for (let i = 1; i <= EMULATOR_CONNECTED_ACCOUNTS; i++) {
      emulator.createAccount({ businessName: `Connected shop ${i}`, seed: { subscriptions: 20, seed: i } });
    }
    env.STRIPE_CONNECT ??= 'all';
  }
  return emulator;
}
