import { CommandFactory } from 'nest-commander';
import { randomBytes } from 'node:crypto';
import { startEmulatorWithoutKey } from './sample.emulator.js';

// `npm run cli -- <command>`: with no STRIPE_API_KEY, against the sample's emulator account (a fresh one, same data).
const emulator = await startEmulatorWithoutKey(process.env);
// The settings ask for the routes' token, which a command does not use.
process.env.ADMIN_TOKEN ??= randomBytes(24).toString('base64url');
// Imported now: ConfigModule.forRoot reads and checks the environment as the module loads.
const { CliModule } = await import('./cli.module.js');
try {
  await CommandFactory.run(CliModule, {
    logger: ['error', 'warn'],
    // Exit codes: 1 for a bad command line or a command that failed.
    errorHandler: () => (process.exitCode = 1),
    serviceErrorHandler: (error: Error) => {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 1;
    },
  });
} finally {
  await emulator?.stop();
}
