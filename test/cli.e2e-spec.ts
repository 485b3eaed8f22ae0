import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The sample's command line, built (`npm run build`), run as an operator runs it: its own process, its output.
const CLI = join(import.meta.dirname, '../apps/sample/dist/cli.js');
const SAMPLE_SUBSCRIPTIONS = 300;

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe('the command line (nest-commander), against the emulator, on SQLite', () => {
  let directory: string;
  let sqlitePath: string;

  /** Runs `npm run cli -- <args>`; `interruptAfter`: sends SIGINT once that text has been printed. */
  function cli(args: string[], interruptAfter?: string): Promise<Outcome> {
    const env: NodeJS.ProcessEnv = { ...process.env, SQLITE_PATH: sqlitePath };
    for (const name of ['STRIPE_API_KEY', 'STRIPE_API_BASE', 'DATABASE_URL', 'STRIPE_CONNECT', 'ADMIN_TOKEN']) delete env[name];
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let interrupt: NodeJS.Timeout | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (interruptAfter && !interrupt && stdout.includes(interruptAfter)) interrupt = setTimeout(() => child.kill('SIGINT'), 1500);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    return new Promise((resolve) =>
      child.on('close', (code) => {
        clearTimeout(interrupt);
        resolve({ code, stdout, stderr });
      }),
    );
  }

  const rows = <T>(sql: string): T[] => {
    const db = new Database(sqlitePath, { readonly: true });
    try {
      return db.prepare(sql).all() as T[];
    } finally {
      db.close();
    }
  };

  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'stripe-sync-cli-'));
    sqlitePath = join(directory, 'mirror.sqlite');
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('migrate runs the shipped migrations, then says the database is up to date', async () => {
    const first = await cli(['migrate']);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toMatch(/^applied {2}StripeSync\w+$/m);
    expect(first.stdout).toMatch(/\d+ migrations applied\./);
    expect(await cli(['migrate'])).toMatchObject({ code: 0, stdout: 'The database is up to date.\n' });
  });

  it('sync-all mirrors the whole account, printing progress as plain lines when not on a terminal, then the summary', async () => {
    const outcome = await cli(['sync-all']);
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toMatch(/^Full sync [0-9a-f-]{36} under way\./m);
    expect(outcome.stdout).toMatch(/^subscription: \d+ objects, \d+ requests, \d+\/\d+ slices done$/m);
    expect(outcome.stdout).toContain(`subscription: ${SAMPLE_SUBSCRIPTIONS} objects (${SAMPLE_SUBSCRIPTIONS} new, 0 changed`);
    expect(outcome.stdout).toMatch(/^Done in [\d.]+ s \(run [0-9a-f-]{36}\)\.$/m);
    expect(outcome.stdout).not.toContain('\u001b['); // no terminal escapes in a log
    expect(rows<{ count: number }>('SELECT COUNT(*) AS count FROM stripe_subscriptions')[0].count).toBe(SAMPLE_SUBSCRIPTIONS);
  }, 120_000);

  it('runs lists the runs as a table', async () => {
    const outcome = await cli(['runs', '--limit', '3']);
    expect(outcome.code).toBe(0);
    const lines = outcome.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^run +object +account +status +seen +new +changed +deleted +requests +started +took$/);
    expect(lines).toHaveLength(2 + 3);
    expect(lines.slice(2).every((line) => / completed /.test(line))).toBe(true);
  });

  it('sync-by-ids syncs ids of any type, reports those Stripe lacks, and fails on ids of no mirrored type', async () => {
    const [{ id: subscription }] = rows<{ id: string }>('SELECT id FROM stripe_subscriptions ORDER BY id LIMIT 1');
    const [{ id: customer }] = rows<{ id: string }>('SELECT id FROM stripe_customers ORDER BY id LIMIT 1');
    const synced = await cli(['sync-by-ids', subscription, customer, 'sub_NotInStripe000']);
    expect(synced.code).toBe(0);
    expect(synced.stdout).toContain(`synced   ${subscription}`);
    expect(synced.stdout).toContain(`synced   ${customer}`);
    expect(synced.stdout).toContain('missing  sub_NotInStripe000');

    const refused = await cli(['sync-by-ids', 'xyz_1']);
    expect(refused).toMatchObject({ code: 1, stdout: '' });
    expect(refused.stderr).toContain('Not the id of a mirrored type: xyz_1');
  });

  it('events sync runs the catch-up; a bad command line or type exits 1, naming the problem', async () => {
    const events = await cli(['events', 'sync']);
    expect(events.code).toBe(0);
    expect(events.stdout).toMatch(/^\d+ events seen: \d+ applied, \d+ ignored, \d+ already known; \d+ requests$/m);

    const unknownType = await cli(['sync-all', '--objects', 'customers,widgets']);
    expect(unknownType.code).toBe(1);
    expect(unknownType.stderr).toContain('--objects: widgets is not a mirrored type');
    expect((await cli(['no-such-command'])).code).toBe(1);
  });

  it('Ctrl-C stops sync-all with exit code 130 and releases its leases: the next sync-all resumes the run at once', async () => {
    rmSync(sqlitePath);
    expect((await cli(['migrate'])).code).toBe(0);
    const outcome = await cli(['sync-all'], 'under way');
    expect(outcome.code).toBe(130);
    const runId = /^Full sync ([0-9a-f-]{36}) under way/m.exec(outcome.stdout)![1];
    expect(outcome.stdout).toContain(`Stopped. The run is resumable: run sync-all again (it resumes ${runId})`);
    expect(rows<{ status: string }>(`SELECT status FROM stripe_sync_runs WHERE id = '${runId}'`)).toEqual([{ status: 'failed' }]);
    expect(rows(`SELECT name FROM stripe_sync_locks`)).toEqual([]);
    const written = rows<{ count: number }>('SELECT COUNT(*) AS count FROM stripe_subscriptions')[0].count;

    // Within the minute a lapsing lease would have taken.
    const resumed = await cli(['sync-all']);
    expect(resumed).toMatchObject({ code: 0, stderr: '' });
    expect(resumed.stdout).toContain(`(run ${runId})`);
    const mirrored = rows<{ count: number }>('SELECT COUNT(*) AS count FROM stripe_subscriptions WHERE deleted_at IS NULL')[0].count;
    expect(mirrored).toBeGreaterThanOrEqual(written);
    expect(rows(`SELECT status FROM stripe_sync_runs WHERE id = '${runId}'`)).toEqual([{ status: 'completed' }]);
  }, 60_000);
});
