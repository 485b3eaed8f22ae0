import { describe, expect, it } from '@jest/globals';
import { databaseOptions, stripeSyncOptions, validateEnvironment } from './sample.config.js';

const required = { STRIPE_API_KEY: 'sk_test_sample', ADMIN_TOKEN: 'a-token-of-sixteen-or-more' };

describe('the sample app settings', () => {
  it('apply the defaults, and pick the driver from the scheme of DATABASE_URL', () => {
    expect(validateEnvironment(required)).toMatchObject({
      PORT: 3000,
      HOST: '127.0.0.1',
      SQLITE_PATH: 'stripe-sync.sqlite',
      SAMPLE_CONNECT: false,
    });
    const driver = (url?: string) => databaseOptions(validateEnvironment({ ...required, DATABASE_URL: url })).type;
    expect(driver(undefined)).toBe('better-sqlite3');
    expect(driver('postgres://u@h/db')).toBe('postgres');
    expect(driver('postgresql://u@h/db')).toBe('postgres');
    expect(driver('mysql://u@h/db')).toBe('mysql');
    expect(driver('mariadb://u@h/db')).toBe('mariadb');
    expect(databaseOptions(validateEnvironment({ ...required, DATABASE_URL: 'mariadb://u@h/db' }))).toMatchObject({
      url: 'mysql://u@h/db',
      timezone: 'Z',
      synchronize: false,
      migrationsRun: true,
    });
  });

  it('name every wrong setting at start-up', () => {
    const message = (() => {
      try {
        validateEnvironment({ STRIPE_API_KEY: 'pk_live_x', ADMIN_TOKEN: 'short', DATABASE_URL: 'oracle://x', STRIPE_CONNECT: 'some' });
      } catch (error) {
        return (error as Error).message;
      }
    })();
    for (const name of ['STRIPE_API_KEY', 'ADMIN_TOKEN', 'DATABASE_URL', 'STRIPE_CONNECT']) expect(message).toContain(name);
  });

  it('turn STRIPE_CONNECT into the connect option', () => {
    const connect = (value?: string) => stripeSyncOptions(validateEnvironment({ ...required, STRIPE_CONNECT: value })).connect;
    expect(connect(undefined)).toBe(false);
    expect(connect('all')).toEqual({ accounts: 'all' });
    expect(connect('acct_1,acct_2')).toEqual({ accounts: ['acct_1', 'acct_2'] });
  });
});
