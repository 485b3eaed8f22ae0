import { describe, expect, it } from '@jest/globals';
import Stripe from 'stripe';
import { main } from './emulator.cli.js';

const NOW = 1_780_000_000;

describe('stripe-emulator CLI', () => {
  it('starts the emulator the flags describe and prints one ready line', async () => {
    const lines: string[] = [];

    const emulator = await main(
      [
        '--port',
        '0',
        '--seed',
        '30',
        '--seed-value',
        '4',
        '--min-items',
        '2',
        '--max-items',
        '3',
        '--now',
        String(NOW),
        '--latency',
        '5',
        '--rate',
        '1000',
      ],
      (line) => lines.push(line),
    );
    try {
      expect(lines).toHaveLength(1);
      const ready = JSON.parse(lines[0]) as { ready: boolean; url: string; port: number; subscriptions: number };
      expect(ready).toEqual({
        ready: true,
        url: emulator.url,
        port: emulator.port,
        subscriptions: 30,
        accounts: 0,
        platformAccountId: emulator.platformAccountId,
      });
      expect(ready.port).toBeGreaterThan(0);

      const stripe = new Stripe('sk_test_123', { host: '127.0.0.1', port: ready.port, protocol: 'http', maxNetworkRetries: 0 });
      const listed = await stripe.subscriptions.list({ status: 'all', limit: 100 });
      expect(listed.data).toHaveLength(30);
      for (const subscription of listed.data) {
        expect(subscription.created).toBeLessThanOrEqual(NOW);
        expect(subscription.items.data.length).toBeGreaterThanOrEqual(2);
        expect(subscription.items.data.length).toBeLessThanOrEqual(3);
      }
      const ids = (await (await fetch(`${ready.url}/_emulator/subscriptions/ids?limit=100`)).json()) as { data: string[] };
      expect(ids.data).toEqual(listed.data.map((subscription) => subscription.id));
      const stats = (await (await fetch(`${ready.url}/_emulator/stats`)).json()) as { total: number; subscriptions: number };
      expect(stats).toMatchObject({ total: 1, subscriptions: 30 });
    } finally {
      await emulator.stop();
    }
  });

  it('uses the same data for the same seed value', async () => {
    const start = (seedValue: string) => main(['--port', '0', '--seed', '5', '--seed-value', seedValue, '--now', String(NOW)], () => {});
    const [a, b, c] = await Promise.all([start('9'), start('9'), start('10')]);
    try {
      expect(b.listSubscriptionIds()).toEqual(a.listSubscriptionIds());
      expect(c.listSubscriptionIds()).not.toEqual(a.listSubscriptionIds());
    } finally {
      await Promise.all([a.stop(), b.stop(), c.stop()]);
    }
  });

  it('seeds the account the billing flags describe', async () => {
    const flags = ['--port', '0', '--seed', '40', '--now', String(NOW), '--customers', '10', '--extra-customers', '3'];
    const [billing, none] = await Promise.all([
      main([...flags, '--min-invoices', '2', '--max-invoices', '2', '--refund-share', '1'], () => {}),
      main([...flags, '--max-invoices', '0'], () => {}),
    ]);
    try {
      const stats = (await (await fetch(`${billing.url}/_emulator/stats`)).json()) as { objects: Record<string, number> };
      expect(stats.objects.customer).toBe(13);
      expect(stats.objects.invoice).toBeGreaterThan(40);
      const charges = billing.listObjectIds('charge').filter((id) => billing.getObject('charge', id)!.status === 'succeeded');
      expect(stats.objects.refund).toBe(charges.length);
      const customers = (await (await fetch(`${billing.url}/_emulator/objects/ids?type=customer&limit=100`)).json()) as {
        data: string[];
        total: number;
      };
      expect([customers.data.length, customers.total]).toEqual([13, 13]);
      expect(none.listObjectIds('invoice')).toEqual([]);
      expect(none.listObjectIds('customer')).toHaveLength(13);
    } finally {
      await Promise.all([billing.stop(), none.stop()]);
    }
  });

  it('makes the connected accounts the Connect flags ask for, each seeded with data of its own', async () => {
    const lines: string[] = [];
    const flags = [
      '--port',
      '0',
      '--seed',
      '6',
      '--now',
      String(NOW),
      '--max-invoices',
      '1',
      '--connect-accounts',
      '3',
      '--account-subscriptions',
      '4',
      '--account-customers',
      '2',
    ];
    const emulator = await main(flags, (line) => lines.push(line));
    try {
      expect(JSON.parse(lines[0])).toMatchObject({ subscriptions: 6, accounts: 3, platformAccountId: emulator.platformAccountId });
      const stripe = new Stripe('sk_test_123', { ...emulator.clientOptions(), maxNetworkRetries: 0 });
      const accounts = (await stripe.accounts.list()).data;
      expect(accounts.map((account) => account.id).sort()).toEqual([...emulator.listAccountIds()].sort());
      expect(accounts.map((account) => account.business_profile?.name).sort()).toEqual([
        'Connected account 1',
        'Connected account 2',
        'Connected account 3',
      ]);
      for (const { id } of accounts) {
        const subscriptions = await stripe.subscriptions.list({ status: 'all', limit: 100 }, { stripeAccount: id });
        expect(subscriptions.data).toHaveLength(4);
        expect(new Set(subscriptions.data.map((subscription) => subscription.customer)).size).toBe(2);
        for (const subscription of subscriptions.data) expect(subscription.created).toBeLessThanOrEqual(NOW);
        const stats = (await (await fetch(`${emulator.url}/_emulator/stats?account=${id}`)).json()) as {
          subscriptions: number;
          objects: Record<string, number>;
        };
        expect(stats.subscriptions).toBe(4);
        expect(stats.objects.customer).toBe(2);
      }
      expect(emulator.listSubscriptionIds()).toHaveLength(6);
      const listed = (await (await fetch(`${emulator.url}/_emulator/accounts/ids`)).json()) as { data: string[]; total: number };
      expect(listed).toMatchObject({ data: accounts.map((account) => account.id), total: 3 });
    } finally {
      await emulator.stop();
    }
  });

  it.each([
    [['--seed', 'many'], /--seed: not a number/],
    [['--port', '0', '--connect-accounts', '1.5'], /--connect-accounts must be an integer/],
    [['--port', '0', '--min-invoices', '4', '--max-invoices', '2'], /invoicesPerSubscription/],
    [['--colour', 'blue'], /Unknown option '--colour'/],
    [['--port', '0', '--error-share', '2'], /errorShare must be within 0..1/],
  ])('rejects %j', async (argv, message) => {
    await expect(main(argv, () => {})).rejects.toThrow(message);
  });
});
