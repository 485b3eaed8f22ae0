import type Stripe from 'stripe';
import { productTemplate } from './emulator.fixtures.js';
import { type Facts, idOf, type ObjectEntry } from './emulator.kinds.js';
import { CATALOG_TERMS, catalogCreated, catalogPrice, catalogPriceId, catalogProductId } from './emulator.seed.js';

/*
 * The products and prices of the generated catalog (emulator.seed.ts makes the prices), and the
 * products of prices made up for clients, so that every price a subscription holds lists with its
 * product. The catalog is stored as compact entries rendered on demand: every connected account
 * has a catalog of its own, and a thousand of them as full objects would take some 80 MB.
 */

const PRODUCT_NAMES = [
  'Starter plan',
  'Pro plan',
  'Business plan',
  'Enterprise plan',
  'Extra seat',
  'Storage 100 GB',
  'Priority support',
  'API calls 10k',
  'Single sign-on',
  'Audit log',
  'Analytics',
  'Custom domain',
  'Daily backups',
  'Email credits',
  'SMS credits',
  'Data export',
  'Sandbox',
  'Premium templates',
  'Team workspace',
  'Compliance pack',
];

/** Names of the catalog's products, by id: invoice lines quote them. */
const productNames = new Map<string, string>();

export function productName(id: string): string {
  return productNames.get(id) ?? id;
}
function productObject(id: string, name: string, created: number, defaultPrice: string | null): Stripe.Product {
  return { ...productTemplate, id, name, created, updated: created, default_price: defaultPrice };
}

/** The product of a price made up for a client (see `priceById`), so that it lists like the catalog's. */
export function productOfPrice(price: Stripe.Price): Stripe.Product {
  const id = idOf(price.product)!;
  return productObject(id, productNames.get(id) ?? `Product of ${price.id}`, price.created, price.id);
}

/** A product of the catalog: a few fields, rendered on demand. */
class CatalogProduct implements ObjectEntry {
  constructor(
    readonly id: string,
    readonly created: number,
    private readonly name: string,
    private readonly defaultPrice: string,
  ) {}

  get facts(): Facts {
    return { id: this.id, active: true };
  }

  render(): Stripe.Product {
    return productObject(this.id, this.name, this.created, this.defaultPrice);
  }
}

/** A price of the catalog, rendered from where it is in the catalog. */
class CatalogPriceEntry implements ObjectEntry {
  constructor(
    readonly id: string,
    readonly created: number,
    private readonly productId: string,
    private readonly product: number,
    private readonly interval: 'month' | 'year',
    private readonly currency: string,
    private readonly catalog: string,
  ) {}

  get facts(): Facts {
    return { active: true, product: this.productId, type: 'recurring', currency: this.currency, lookup_key: null };
  }

  render(): Stripe.Price {
    return catalogPrice(this.product, this.interval, this.currency, this.catalog).price;
  }
}

/**
 * Every price a generated subscription of the account of `catalog` can hold, each with its product;
 * the default price is the monthly USD one.
 */
export function catalogEntries(size: number, catalog: string): { product: ObjectEntry[]; price: ObjectEntry[] } {
  const products: ObjectEntry[] = [];
  const prices: ObjectEntry[] = [];
  for (let product = 0; product < size; product++) {
    const id = catalogProductId(product, catalog);
    const name = PRODUCT_NAMES[product] ?? `Add-on ${product + 1}`;
    productNames.set(id, name);
    const created = catalogCreated(product);
    const own = CATALOG_TERMS.map(
      ([interval, currency]) =>
        new CatalogPriceEntry(catalogPriceId(product, interval, currency, catalog), created, id, product, interval, currency, catalog),
    );
    products.push(new CatalogProduct(id, created, name, own[0].id));
    prices.push(...own);
  }
  return { product: products, price: prices };
}
