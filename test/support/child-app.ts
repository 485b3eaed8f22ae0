import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { StripeEmulator } from 'nestjs-stripe-sync-emulator';
import { API_KEY, type TestDatabase } from './app.js';

const BUILT_LIBRARY = new URL('../../libs/stripe-sync/dist/index.js', import.meta.url);

export interface ChildAppSetup {
  /** Tables already created (by an app of the test process): the child does not synchronize. */
  db: TestDatabase;
  emulator: StripeEmulator;
  /** The child's TZ; default the test process's. */
  zone?: string;
  /** What it does, in order (see sync-child.mjs); default one full sync. */
  steps?: object[];
}

export interface ChildApp {
  process: ChildProcess;
  /** Each step's result; rejects when the child fails. */
  results: Promise<unknown[]>;
}

/** Another app process on the same database, running the built library: another instance, as in production. */
export function startChildApp({ db, emulator, zone, steps }: ChildAppSetup): ChildApp {
  if (!existsSync(BUILT_LIBRARY)) throw new Error('This test runs the built library in a child process: run `npm run build` first');
  const child = spawn(process.execPath, [new URL('./sync-child.mjs', import.meta.url).pathname], {
    env: {
      ...process.env,
      ...(zone && { TZ: zone }),
      DATABASE_OPTIONS: JSON.stringify({ ...db.options, synchronize: false }),
      STRIPE_PORT: String(emulator.port),
      STRIPE_KEY: API_KEY,
      ...(steps && { STEPS: JSON.stringify(steps) }),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const results = new Promise<unknown[]>((resolve, reject) => {
    child.once('exit', (code, signal) => {
      if (code === 0)
        resolve(
          output
            .trim()
            .split('\n')
            .filter(Boolean)
            .map((line) => JSON.parse(line)),
        );
      else reject(new Error(`The child app ended with ${signal ?? `exit code ${code}`}`));
    });
  });
  results.catch(() => undefined);
  return { process: child, results };
}
