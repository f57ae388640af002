import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { createDatabase } from '../../src/db/client.ts';
import { createUser } from '../../src/auth/users.service.ts';
import { createTenant } from '../../src/settings/tenants.service.ts';
import { productSearchText } from '../../src/catalog/search-text.ts';
import { startServer, type ServerProcess } from '../../test/helpers/server.ts';
import { createBenchDatabase, deleteKeysWithPrefix, productionServerEnv, signInCookie, TLS_PROXY_HEADERS } from '../support.ts';
import type { BenchRow } from '../types.ts';

// the product list page (25 rows of a tenant with 10,000 products) in requests/s,
// served by a real app instance with the cache on (every request a hit) and by one with
// CACHE_ENABLED=false, same database, same signed-in request, one after the other.

export const needs = ['redis', 'postgresql'] as const;

const PART = 'catalog';
const PRODUCTS = 10_000;
const SECONDS = Number(process.env.BENCH_CATALOG_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CATALOG_CONNECTIONS ?? 10);
const PASSWORD = 'bench-password-123';
const PAGE = '/catalog/products';

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}
type Autocannon = (opts: {
  url: string;
  connections: number;
  duration: number;
  headers: Record<string, string>;
}) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

/** A tenant with 10,000 products in 12 categories, written in bulk. */
async function seed(url: string, email: string): Promise<void> {
  const db = await createDatabase({ databaseUrl: url, poolSize: 2 });
  try {
    const { tenantId } = await createTenant(db.prisma, { name: 'Bench Wholesale', ownerEmail: `owner-${email}`, ownerPassword: PASSWORD });
    await createUser(db.prisma, tenantId, { email, password: PASSWORD, role: 'manager', name: 'Bench' });
    const unit = await db.prisma.unit.create({ data: { tenantId, code: 'unit', name: 'Unit' } });
    const categories = await db.prisma.category.createManyAndReturn({
      data: Array.from({ length: 12 }, (_, i) => ({ tenantId, name: `Category ${i + 1}` })),
      select: { id: true },
    });
    for (let start = 0; start < PRODUCTS; start += 2000) {
      await db.prisma.product.createMany({
        data: Array.from({ length: Math.min(2000, PRODUCTS - start) }, (_, j) => {
          const i = start + j;
          const sku = `SKU-${String(i).padStart(5, '0')}`;
          const name = `Product ${i} ${['Café', 'Tea', 'Mug', 'Beans', 'Filter'][i % 5]}`;
          return {
            tenantId,
            sku,
            name,
            searchText: productSearchText(sku, name),
            unitId: unit.id,
            categoryId: categories[i % categories.length]!.id,
            price: `${(i % 997) + 0.99}`,
            cost: '0.50',
            quantityOnHand: String(i % 40),
            reorderLevel: '5',
          };
        }),
      });
    }
  } finally {
    await db.close();
  }
}

async function measure(server: ServerProcess, email: string, expectCache: string): Promise<AutocannonResult> {
  const headers = { ...TLS_PROXY_HEADERS, cookie: await signInCookie(server.baseUrl, email, PASSWORD, TLS_PROXY_HEADERS) };
  for (let i = 0; i < 3; i++) {
    const res = await fetch(`${server.baseUrl}${PAGE}`, { headers, redirect: 'manual' });
    const html = await res.text();
    if (res.status !== 200 || (html.match(/<tr>/g)?.length ?? 0) < 26) throw new Error(`bench page is not a 25-row list: ${res.status}`);
    if (i === 2 && res.headers.get('x-cache') !== expectCache)
      throw new Error(`expected X-Cache ${expectCache}, got ${res.headers.get('x-cache')}`);
  }
  const result = await autocannon({ url: `${server.baseUrl}${PAGE}`, connections: CONNECTIONS, duration: SECONDS, headers });
  if (result.non2xx || result.errors) throw new Error(`bench run had ${result.non2xx} non-2xx answers and ${result.errors} errors`);
  return result;
}

export async function run(): Promise<BenchRow[]> {
  const database = await createBenchDatabase('catalog');
  const prefix = `bench-cat-${randomBytes(4).toString('hex')}`;
  const email = `manager-${randomBytes(3).toString('hex')}@bench.stock`;
  // Kept pages off: the hit row measures the read cache rendering the list (the warm part measures kept pages).
  const env = (cacheEnabled: boolean) => ({
    ...productionServerEnv({ databaseUrl: database.url, cacheKeyPrefix: prefix, cacheEnabled }),
    CACHE_PAGE_BYTES: '0',
  });
  const servers: ServerProcess[] = [];
  try {
    // The first instance applies the migrations; then the data; then the second instance.
    const cached = await startServer(env(true), { timeoutMs: 120_000 });
    servers.push(cached);
    await seed(database.url, email);
    const uncached = await startServer(env(false), { timeoutMs: 120_000 });
    servers.push(uncached);

    const off = await measure(uncached, email, 'MISS');
    const hit = await measure(cached, email, 'HIT');
    const ratio = hit.requests.average / off.requests.average;
    return [
      {
        part: PART,
        name: `product list (25 of ${PRODUCTS.toLocaleString('en-US')}), cache disabled`,
        value: off.requests.average,
        unit: 'req/s',
      },
      { part: PART, name: 'product list, cache disabled, p99 latency', value: off.latency.p99, unit: 'ms' },
      { part: PART, name: 'product list, cache hit, p99 latency', value: hit.latency.p99, unit: 'ms' },
      {
        part: PART,
        name: `product list (25 of ${PRODUCTS.toLocaleString('en-US')}), cache hit`,
        value: hit.requests.average,
        unit: 'req/s',
        baseline: off.requests.average,
        ratio,
        target: '≥ 3×',
        pass: ratio >= 3,
      },
    ];
  } finally {
    for (const s of servers) await s.stop();
    await database.drop();
    await deleteKeysWithPrefix(`${prefix}:`);
  }
}
