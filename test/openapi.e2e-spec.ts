import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Validator } from '@seriousme/openapi-schema-validator';
import { StripeEmulator } from 'nestjs-stripe-sync-emulator';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { setUpOpenApi } from '../apps/sample/src/openapi.js';
import { createTestApp, type TestApp } from './support/app.js';

type Operation = {
  parameters?: { name: string; in: string; schema?: object }[];
  requestBody?: { content: Record<string, { schema?: object }> };
  responses: Record<string, { content?: Record<string, { schema?: object }> }>;
  security?: object[];
};
type Document = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { properties?: object }> };
};

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) => existsSync(path));
if (!CHROMIUM && process.env.TEST_CHROMIUM === 'required') throw new Error('TEST_CHROMIUM=required, but there is no /usr/bin/chromium');

/** The routes Express has under `/stripe`, as OpenAPI writes them: `post /stripe/customers/{id}`. */
function mountedRoutes(t: TestApp): string[] {
  const router = (
    t.app.getHttpAdapter().getInstance() as { router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] } }
  ).router;
  return router.stack
    .flatMap((layer) => (layer.route ? Object.keys(layer.route.methods).map((method) => `${method} ${layer.route!.path}`) : []))
    .filter((route) => route.includes(' /stripe'))
    .map((route) => route.replace(/:(\w+)/g, '{$1}'));
}

describe('OpenAPI document of the routes (@nestjs/swagger, as the sample sets it up)', () => {
  let emulator: StripeEmulator;
  let t: TestApp;
  let document: Document;

  beforeAll(async () => {
    emulator = await StripeEmulator.start({ seed: { subscriptions: 5 } });
    t = await createTestApp({
      database: 'sqlite',
      emulator,
      options: { webhookSecret: 'whsec_openapi', connect: { accounts: 'all' } },
      configure: setUpOpenApi,
    });
    document = (await t.http.get('/docs-json').expect(200)).body as Document;
  });
  afterAll(async () => {
    await t.close();
    await emulator.stop();
  });

  it('is a valid OpenAPI 3 document', async () => {
    expect(document.openapi).toMatch(/^3\./);
    const result = await new Validator().validate(structuredClone(document));
    expect(result).toEqual({ valid: true });
  });

  it('lists every route the module mounts, each with its answer schema, bodies with theirs, and the bearer scheme on admin routes', () => {
    const routes = mountedRoutes(t);
    expect(routes.length).toBeGreaterThan(60);
    const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method} ${path}`),
    );
    expect(documented.sort()).toEqual([...new Set(routes)].sort());

    for (const route of routes) {
      const [method, path] = route.split(' ');
      const operation = document.paths[path][method];
      const success = Object.entries(operation.responses).find(([status]) => status.startsWith('2'));
      expect([route, success?.[1].content?.['application/json']?.schema]).toEqual([route, expect.any(Object)]);
      expect([route, operation.responses['400']]).toEqual([route, expect.any(Object)]);
      if (path.endsWith('/sync-by-ids') || path.endsWith('/sync-batch') || path.endsWith('/webhook')) {
        expect([route, operation.requestBody?.content['application/json']?.schema]).toEqual([route, expect.any(Object)]);
      }
      expect([route, operation.security]).toEqual([route, path.endsWith('/webhook') ? undefined : [{ bearer: [] }]]);
    }
  });

  it("describes a type's filters, its rows and its request bodies with their constraints", () => {
    const list = document.paths['/stripe/subscriptions'].get;
    const query = Object.fromEntries(
      (list.parameters ?? []).filter((parameter) => parameter.in === 'query').map((parameter) => [parameter.name, parameter.schema]),
    );
    expect(query).toMatchObject({
      limit: { type: 'integer', minimum: 1, maximum: 100 },
      startingAfter: { type: 'string', pattern: expect.stringContaining('sub') },
      includeDeleted: { type: 'boolean' },
      account: { type: 'string' },
      customer: { type: 'string', pattern: expect.stringContaining('cus') },
      status: { type: 'string', enum: expect.arrayContaining(['active', 'canceled']) },
    });
    expect(document.components.schemas.StripeSubscription.properties).toMatchObject({
      id: { type: 'string' },
      status: { type: 'string' },
      currentPeriodEnd: { type: 'string', format: 'date-time', nullable: true },
      raw: { type: 'object' },
    });
    expect(document.components.schemas.SubscriptionsSyncByIdsBody.properties).toMatchObject({
      ids: { type: 'array', minItems: 1, maxItems: 1000, items: { type: 'string', pattern: expect.stringContaining('sub') } },
    });
    expect(document.paths['/stripe/webhook'].post.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'Stripe-Signature', in: 'header' })]),
    );
  });

  (CHROMIUM ? it : it.skip)(
    'renders the routes in Swagger UI at /docs, in headless Chromium',
    async () => {
      await t.app.listen(0, '127.0.0.1');
      const url = `${(await t.app.getUrl()).replace('[::1]', '127.0.0.1')}/docs`;
      const { stdout } = await promisify(execFile)(
        CHROMIUM!,
        ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--virtual-time-budget=20000', '--dump-dom', url],
        { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
      );
      expect(stdout).toContain('Stripe mirror');
      for (const path of ['/stripe/subscriptions/sync-by-ids', '/stripe/customers/{id}', '/stripe/sync-runs', '/stripe/webhook']) {
        expect(stdout).toContain(`data-path="${path}"`);
      }
    },
    90_000,
  );
});
