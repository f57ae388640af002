import { randomBytes, randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { Prisma } from '../../src/generated/prisma/client.ts';
import { createDatabase } from '../../src/db/client.ts';
import { applyMigrations } from '../../src/db/migrate.ts';
import { createTenant } from '../../src/settings/tenants.service.ts';
import { createUser } from '../../src/auth/users.service.ts';
import { startServer, type ServerProcess } from '../../test/helpers/server.ts';
import { TestClient } from '../../test/helpers/http-client.ts';
import { createBenchDatabase, deleteKeysWithPrefix, metric, productionServerEnv, TLS_PROXY_HEADERS } from '../support.ts';
import type { BenchRow } from '../types.ts';

// confirmed sales per second through HTTP, 2 app processes on one PostgreSQL
// database and Redis, 20 concurrent clients selling 1–2 lines from 5 products. Phase 1
// measures throughput with plenty of stock; phase 2 leaves 30 of each product and sells
// until all are gone: clients retry a refused sale (409, not enough stock) without the
// short lines. At the end nothing may be oversold and every ledger must sum to its stock.

export const needs = ['postgresql', 'redis'] as const;

const PART = 'sales';
const PROCESSES = 2;
const CLIENTS = 20;
const PRODUCTS = 5;
const STOCK = 100_000;
const SELL_OUT_STOCK = 30;
const SECONDS = Number(process.env.BENCH_SALES_SECONDS ?? 10);
const PASSWORD = 'bench-password-123';

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : 0;
}

export async function run(): Promise<BenchRow[]> {
  const database = await createBenchDatabase('sales');
  const prefix = `bench-sales-${randomBytes(3).toString('hex')}`;
  const servers: ServerProcess[] = [];
  try {
    const db = await createDatabase({ databaseUrl: database.url, poolSize: 4 });
    await applyMigrations(db, pino({ level: 'silent' }));
    const prisma = db.prisma;
    const { tenantId } = await createTenant(prisma, {
      name: 'Bench Hardware',
      ownerEmail: `owner-${randomUUID()}@bench.test`,
      ownerPassword: PASSWORD,
      defaultTaxRate: '10',
    });
    const users = await Promise.all(
      [1, 2].map((n) =>
        createUser(
          prisma,
          tenantId,
          { email: `staff${n}-${randomUUID()}@bench.test`, password: PASSWORD, role: 'staff', name: `Staff ${n}` },
          { mustChangePassword: false },
        ),
      ),
    );
    const emails = users.map((u) => u.email);
    const unit = await prisma.unit.create({ data: { tenantId, code: 'unit', name: 'Unit' } });
    const productIds: number[] = [];
    for (let i = 1; i <= PRODUCTS; i++) {
      const p = await prisma.product.create({
        data: {
          tenantId,
          sku: `BENCH-${i}`,
          name: `Bench product ${i}`,
          searchText: `bench-${i} bench product ${i}`,
          unitId: unit.id,
          price: new Prisma.Decimal(`${i * 3}.25`),
          quantityOnHand: new Prisma.Decimal(STOCK),
        },
      });
      await prisma.stockMovement.create({ data: { tenantId, productId: p.id, kind: 'receipt', quantity: new Prisma.Decimal(STOCK) } });
      productIds.push(p.id);
    }

    // One environment (one SESSION_SECRET) for both processes, as in one deployment.
    const env = productionServerEnv({ databaseUrl: database.url, cacheKeyPrefix: prefix });
    for (let i = 0; i < PROCESSES; i++) servers.push(await startServer(env));

    const clients: TestClient[] = [];
    for (let i = 0; i < CLIENTS; i++) {
      // Production mode (cached views, Secure cookies): the clients say they came through TLS.
      const client = new TestClient(servers[i % PROCESSES]!.baseUrl, TLS_PROXY_HEADERS);
      await client.get('/login');
      const res = await client.post('/login', { email: emails[i % emails.length]!, password: PASSWORD });
      if (res.status !== 303) throw new Error(`bench sign-in failed: ${res.status}`);
      await client.get('/sales/new');
      clients.push(client);
    }

    const sell = async (client: TestClient, lines: Array<{ productId: number; quantity: number }>, latencies: number[]) => {
      const form: Record<string, string> = { token: randomUUID() };
      lines.forEach((l, i) => {
        form[`lines[${i}][productId]`] = String(l.productId);
        form[`lines[${i}][quantity]`] = String(l.quantity);
      });
      const t0 = performance.now();
      const res = await client.post('/sales', form);
      latencies.push(performance.now() - t0);
      return res;
    };

    /** All clients sell until the deadline, or until every product is sold out. */
    const drive = async (seconds: number) => {
      const stats = { confirmed: 0, stockRefusals: 0, retried: 0, failures: 0, latencies: [] as number[], elapsed: 0 };
      const soldOut = new Set<number>();
      const started = performance.now();
      const deadline = started + seconds * 1000;
      await Promise.all(
        clients.map(async (client) => {
          while (performance.now() < deadline && soldOut.size < PRODUCTS) {
            const available = productIds.filter((id) => !soldOut.has(id));
            const count = Math.min(available.length, 1 + Math.floor(Math.random() * 2));
            const picked = [...available].sort(() => Math.random() - 0.5).slice(0, count);
            let lines = picked.map((productId) => ({ productId, quantity: 1 + Math.floor(Math.random() * 3) }));
            for (let attempt = 0; lines.length && attempt < 3; attempt++) {
              const res = await sell(client, lines, stats.latencies);
              if (res.status === 303) {
                stats.confirmed++;
                break;
              }
              if (res.status !== 409) {
                stats.failures++;
                break;
              }
              // Not enough stock: drop the short lines (remember sold-out products) and retry.
              stats.stockRefusals++;
              const shortNow = new Map<number, string>();
              for (const m of res.html.matchAll(/id="lines\.(\d+)\.quantity-error">Only ([\d.,]+) /g)) shortNow.set(Number(m[1]), m[2]!);
              lines.forEach((l, i) => {
                if (shortNow.get(i) === '0') soldOut.add(l.productId);
              });
              lines = lines.filter((_, i) => !shortNow.has(i));
              if (lines.length) stats.retried++;
            }
            if (!lines.length) {
              const left = await prisma.product.findMany({ where: { id: { in: productIds } }, select: { id: true, quantityOnHand: true } });
              for (const p of left) if (p.quantityOnHand.lte(0)) soldOut.add(p.id);
            }
          }
        }),
      );
      stats.elapsed = (performance.now() - started) / 1000;
      stats.latencies.sort((a, b) => a - b);
      return stats;
    };

    // Phase 1, throughput: plenty of stock for the whole run.
    const run1 = await drive(SECONDS);
    // Phase 2, sell-out: 30 of each product left (an adjustment in the ledger), sold until gone.
    await prisma.$transaction(async (tx) => {
      for (const p of await tx.product.findMany({ where: { id: { in: productIds } }, select: { id: true, quantityOnHand: true } })) {
        const delta = new Prisma.Decimal(SELL_OUT_STOCK).minus(p.quantityOnHand);
        await tx.product.update({ where: { id: p.id }, data: { quantityOnHand: new Prisma.Decimal(SELL_OUT_STOCK) } });
        if (!delta.isZero())
          await tx.stockMovement.create({
            data: { tenantId, productId: p.id, kind: 'adjustment', quantity: delta, reason: 'bench sell-out phase' },
          });
      }
    });
    const run2 = await drive(60);

    const conflictRetries = (await Promise.all(servers.map((s) => metric(s, 'stock_transaction_conflict_retries_total')))).reduce(
      (a, b) => a + b,
      0,
    );

    const products = await prisma.product.findMany({ where: { id: { in: productIds } }, select: { id: true, quantityOnHand: true } });
    const sold = await prisma.saleLine.groupBy({
      by: ['productId'],
      where: { tenantId, sale: { status: 'confirmed' } },
      _sum: { quantity: true },
    });
    const received = await prisma.stockMovement.groupBy({
      by: ['productId'],
      where: { tenantId, kind: { in: ['receipt', 'adjustment'] } },
      _sum: { quantity: true },
    });
    const ledger = await prisma.stockMovement.groupBy({ by: ['productId'], where: { tenantId }, _sum: { quantity: true } });
    const sum = (rows: Array<{ productId: number; _sum: { quantity: Prisma.Decimal | null } }>, id: number) =>
      new Prisma.Decimal(rows.find((x) => x.productId === id)?._sum.quantity ?? 0);
    let oversold = 0;
    let ledgerMismatches = 0;
    let left = new Prisma.Decimal(0);
    for (const p of products) {
      const over = sum(sold, p.id).minus(sum(received, p.id));
      if (over.greaterThan(0)) oversold += over.toNumber();
      if (p.quantityOnHand.isNegative()) oversold += p.quantityOnHand.neg().toNumber();
      if (!sum(ledger, p.id).equals(p.quantityOnHand) || !sum(received, p.id).minus(sum(sold, p.id)).equals(p.quantityOnHand))
        ledgerMismatches++;
      left = left.plus(p.quantityOnHand);
    }
    const salesInDb = await prisma.sale.count({ where: { tenantId } });
    await db.close();
    const label = `${PROCESSES} processes, ${CLIENTS} clients, ${PRODUCTS} products`;
    const confirmed = run1.confirmed + run2.confirmed;
    return [
      { part: PART, name: `confirmed sales/s (${label}, ${SECONDS} s)`, value: run1.confirmed / run1.elapsed, unit: 'sales/s' },
      { part: PART, name: 'POST /sales latency p50', value: percentile(run1.latencies, 50), unit: 'ms' },
      { part: PART, name: 'POST /sales latency p95', value: percentile(run1.latencies, 95), unit: 'ms' },
      {
        part: PART,
        name: `sell-out phase: sales until ${PRODUCTS}×${SELL_OUT_STOCK} units are gone`,
        value: run2.confirmed,
        unit: 'sales',
      },
      { part: PART, name: 'sell-out phase: units left unsold', value: left.toNumber(), unit: 'units' },
      { part: PART, name: 'stock refusals (409: not enough stock)', value: run1.stockRefusals + run2.stockRefusals, unit: 'refusals' },
      { part: PART, name: 'sales retried by clients after a refusal', value: run1.retried + run2.retried, unit: 'retries' },
      { part: PART, name: 'transaction conflicts retried (deadlock/serialization)', value: conflictRetries, unit: 'retries' },
      {
        part: PART,
        name: 'confirmed sales = sales in the database',
        value: confirmed,
        unit: 'sales',
        target: `= ${salesInDb}`,
        pass: confirmed === salesInDb,
      },
      {
        part: PART,
        name: 'failed requests (not 303/409)',
        value: run1.failures + run2.failures,
        unit: 'requests',
        target: '= 0',
        pass: run1.failures + run2.failures === 0,
      },
      { part: PART, name: 'oversold units', value: oversold, unit: 'units', target: '= 0', pass: oversold === 0 },
      {
        part: PART,
        name: 'products whose ledger ≠ quantity on hand',
        value: ledgerMismatches,
        unit: 'products',
        target: '= 0',
        pass: ledgerMismatches === 0,
      },
    ];
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await database.drop();
    await deleteKeysWithPrefix(`${prefix}:`);
  }
}
