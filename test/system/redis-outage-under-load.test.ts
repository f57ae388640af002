import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma } from '../../src/generated/prisma/client.ts';
import { seededRandom } from '../../src/seeded-random.ts';
import { createUser } from '../../src/auth/users.service.ts';
import { createTenant } from '../../src/settings/tenants.service.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { TestClient } from '../helpers/http-client.ts';
import { RedisServer } from '../helpers/redis-server.ts';
import { uniquePrefix } from '../helpers/redis.ts';
import { startServer, type ServerProcess } from '../helpers/server.ts';

// The real server (a child process on PostgreSQL) under 20 s of load from five signed-in
// users who browse cached pages, confirm sales, take payments and change prices, while the
// test's own redis-server is stopped 3 s in and started again at 14 s. The outage covers
// most of the run, so most writes happen without Redis; the 6 s left are enough to watch
// the cache come back (within 5 s) under the same load. Redis is stopped with SHUTDOWN SAVE,
// so it comes back holding what it held before, as production's persisted Redis would.
// Then: no 5xx, nobody sent to /login, every sale the users were told about is in
// PostgreSQL with its lines and stock, and the cache serves hits again, without old values.

const PASSWORD = 'correct-horse-battery';
const LOAD_MS = 20_000;
const STOP_AT_MS = 3_000;
const START_AT_MS = 14_000;
const RECOVERY_LIMIT_MS = 5_000;
const USERS = 5;
const BROWSE = ['/catalog/products', '/settings/categories', '/balance', '/'];
/** Cached pages that no write of the load invalidates: the recovery probe reads them. */
const PROBE = ['/settings/categories', '/settings/uoms'];
const CATEGORY = 'Hand tools';
/** The category's name from the rename during the outage on. */
const RENAMED = 'Workshop tools';
const OUTAGE_WARNINGS = [
  'cache: Redis unavailable; reading from the database until it is back',
  'session store: Redis is not answering; serving sessions from the database until it is back',
];

const tokenOf = (html: string) => /name="token" value="([^"]+)"/.exec(html)?.[1];
const amountOf = (html: string) => /name="amount"[^>]*value="([^"]*)"/.exec(html)?.[1];

interface Sample {
  client: string;
  method: string;
  path: string;
  status: number;
  location: string | null;
  cache: string | null;
  /** Ms since the load began, when the answer arrived. */
  at: number;
  /** How long the answer took, ms. */
  ms: number;
  error?: string;
}

interface ProductFixture {
  id: number;
  sku: string;
  name: string;
  initial: number;
  price: string;
}

interface ConfirmedSale {
  id: number;
  lines: Array<{ productId: number; quantity: number }>;
  onAccount: boolean;
  at: number;
}

/** Everything the clients did and were told, for the assertions and the report. */
class Journal {
  readonly samples: Sample[] = [];
  readonly sales: ConfirmedSale[] = [];
  readonly payments: Array<{ id: number; saleId: number; amount: string }> = [];
  /** The last price each product was told it was saved with. */
  readonly prices = new Map<number, string>();
  /** Answers that were not what the action expects. */
  readonly odd: string[] = [];
  /** Category pages asked for after the rename was confirmed that still showed the old name. */
  readonly oldNameSeen: number[] = [];
  readonly timeline: { stoppedAt?: number; renamedAt?: number; startedAt?: number; healthOkAt?: number } = {};
  refusedSales = 0;
  startedAt = performance.now();

  now(): number {
    return performance.now() - this.startedAt;
  }

  inOutage(at: number): boolean {
    return at >= this.timeline.stoppedAt! && at < this.timeline.startedAt!;
  }
}

/** A signed-in TestClient whose every request lands in the journal. */
class LoadClient {
  constructor(
    readonly name: string,
    readonly http: TestClient,
    private readonly journal: Journal,
  ) {}

  async get(path: string) {
    return this.record('GET', path, () => this.http.get(path));
  }

  async post(path: string, form: Record<string, string>) {
    return this.record('POST', path, () => this.http.post(path, form));
  }

  private async record(
    method: string,
    path: string,
    send: () => Promise<{ status: number; headers: Headers; html: string; location: string | null }>,
  ) {
    const sent = this.journal.now();
    const sample = { client: this.name, method, path, location: null, cache: null };
    try {
      const res = await send();
      const at = this.journal.now();
      this.journal.samples.push({
        ...sample,
        status: res.status,
        location: res.location,
        cache: res.headers.get('x-cache'),
        at,
        ms: at - sent,
      });
      return res;
    } catch (error) {
      const at = this.journal.now();
      this.journal.samples.push({ ...sample, status: 0, at, ms: at - sent, error: (error as Error).message });
      return undefined;
    }
  }
}

/** First moment (ms after `from`) at which ≥ 80 % of the answers of the last second were HIT. */
function recoveryMs(samples: Sample[], from: number): number | undefined {
  for (const s of samples) {
    if (s.at < from) continue;
    const window = samples.filter((w) => w.at > s.at - 1000 && w.at <= s.at);
    if (window.length >= 5 && window.filter((w) => w.cache === 'HIT').length / window.length >= 0.8) return s.at - from;
  }
  return undefined;
}

function countBy<T>(items: T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

function latency(samples: Sample[]): string {
  const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
  const at = (q: number) => (ms.length ? ms[Math.min(ms.length - 1, Math.floor(q * ms.length))]!.toFixed(0) : '-');
  return `p50 ${at(0.5)} / p95 ${at(0.95)} / max ${at(1)} ms`;
}

function hitRatio(samples: Sample[]): string {
  const cached = samples.filter((s) => s.cache !== null);
  if (!cached.length) return 'n/a';
  return `${Math.round((100 * cached.filter((s) => s.cache === 'HIT').length) / cached.length)} % of ${cached.length}`;
}

/** Warnings and errors of the server's JSON log, by message. */
function loggedProblems(output: string): string[] {
  return output.split('\n').flatMap((line) => {
    try {
      const entry = JSON.parse(line) as { level?: number; msg?: string };
      return (entry.level ?? 0) >= 40 ? [entry.msg ?? line] : [];
    } catch {
      return []; // not a log entry
    }
  });
}

describe('Redis outage under load', () => {
  let redis: RedisServer;
  let database: TestDatabase;
  let server: ServerProcess;
  let tenantId: number;
  let unitId: number;
  let categoryId: number;
  let owner: TestClient;
  let users: LoadClient[];
  let probe: Sample[];
  const emails = {
    owner: `owner-${randomBytes(4).toString('hex')}@load.system.test`,
    manager: `manager-${randomBytes(4).toString('hex')}@load.system.test`,
  };
  const products: ProductFixture[] = [];
  const customerIds: number[] = [];
  const journal = new Journal();
  // `rand(n)` is 0 … n − 1.
  const random = seededRandom(42);
  const rand = (n: number) => random.int(0, n - 1);
  const unpaid = new Map<string, number[]>();
  /** Signed in before the outage and out during it: must stay out once Redis is back. */
  let leaverCookie = '';
  /** Signed in during the outage: must stay in once Redis is back. */
  let newcomer: TestClient;

  async function signIn(email: string): Promise<TestClient> {
    const client = new TestClient(server.baseUrl);
    await client.get('/login');
    const res = await client.post('/login', { email, password: PASSWORD });
    expect(res.status, res.html).toBe(303);
    expect(res.location).toBe('/');
    await client.refreshCsrf('/');
    return client;
  }

  function productForm(p: ProductFixture, price: string): Record<string, string> {
    return {
      sku: p.sku,
      name: p.name,
      barcode: '',
      categoryId: String(categoryId),
      unitId: String(unitId),
      price,
      cost: '',
      taxRate: '',
      reorderLevel: '',
      active: 'on',
    };
  }

  /** A sale of 1–2 lines, on account or paid now; the scarce product only when `scarce`. */
  async function sell(c: LoadClient, scarce = true): Promise<ConfirmedSale | undefined> {
    const form = await c.get('/sales/new');
    const token = form && tokenOf(form.html);
    if (!token) return undefined;
    const picked = new Set<ProductFixture>();
    const lineCount = 1 + rand(2);
    while (picked.size < lineCount) picked.add(products[scarce && rand(4) === 0 ? 5 : rand(5)]!);
    const lines = [...picked].map((p) => ({ productId: p.id, quantity: 1 + rand(3) }));
    const onAccount = rand(2) === 0;
    const body: Record<string, string> = {
      token,
      customerId: onAccount ? String(customerIds[rand(customerIds.length)]) : '',
      payNow: onAccount ? '' : 'cash',
      note: '',
    };
    lines.forEach((l, i) =>
      Object.assign(body, { [`lines[${i}][productId]`]: String(l.productId), [`lines[${i}][quantity]`]: String(l.quantity) }),
    );
    const res = await c.post('/sales', body);
    if (res?.status === 409) {
      journal.refusedSales++;
      if (!res.html.includes('Not enough stock')) journal.odd.push(`sale refused without a short-stock message: ${res.html.slice(0, 300)}`);
    }
    const id = Number(/^\/sales\/(\d+)$/.exec(res?.location ?? '')?.[1]);
    if (res?.status !== 303 || !id) return undefined;
    const sale = { id, lines, onAccount, at: journal.now() };
    journal.sales.push(sale);
    if (onAccount) unpaid.set(c.name, [...(unpaid.get(c.name) ?? []), id]);
    return sale;
  }

  /** Pays one of the user's sales on account in full (or sells, with none open). */
  async function pay(c: LoadClient): Promise<void> {
    const saleId = unpaid.get(c.name)?.shift();
    if (saleId === undefined) {
      await sell(c);
      return;
    }
    const form = await c.get(`/payments/new?sale=${saleId}`);
    const token = form && tokenOf(form.html);
    const amount = form && amountOf(form.html);
    if (!token || !amount) {
      if (form?.status === 200) journal.odd.push(`payment form of sale ${saleId} without token or amount`);
      return;
    }
    const res = await c.post('/payments', { token, saleId: String(saleId), amount, method: 'card', day: '', reference: '', note: '' });
    const id = Number(/^\/payments\/(\d+)$/.exec(res?.location ?? '')?.[1]);
    if (res?.status === 303 && id) journal.payments.push({ id, saleId, amount });
    else journal.odd.push(`payment of sale ${saleId}: ${res?.status ?? 'no answer'} ${res?.location ?? ''}`);
  }

  /** Each user prices its own product, so "the last price saved" is well defined. */
  async function reprice(c: LoadClient, index: number, round: number): Promise<void> {
    const p = products[index]!;
    const price = `${100 + 10 * index}.${String(round % 100).padStart(2, '0')}`;
    await c.get(`/catalog/products/${p.id}/edit`);
    const res = await c.post(`/catalog/products/${p.id}`, productForm(p, price));
    if (res?.status === 303) journal.prices.set(p.id, price);
    else journal.odd.push(`price of ${p.sku}: ${res?.status ?? 'no answer'} ${res?.location ?? ''}`);
  }

  async function work(c: LoadClient, index: number): Promise<void> {
    for (let round = 1; journal.now() < LOAD_MS; round++) {
      await c.get(BROWSE[round % BROWSE.length]!);
      if (round % 5 === 2) await pay(c);
      else if (round % 5 === 4) await reprice(c, index, round);
      else await sell(c);
    }
  }

  async function probing(c: LoadClient): Promise<void> {
    for (let i = 0; journal.now() < LOAD_MS; i++) {
      const path = PROBE[i % PROBE.length]!;
      const renamed = journal.timeline.renamedAt !== undefined; // asked after the rename was confirmed
      const res = await c.get(path);
      if (path === '/settings/categories' && renamed && res?.html.includes(CATEGORY)) journal.oldNameSeen.push(journal.now());
      await sleep(20);
    }
  }

  async function outage(admin: LoadClient, leaver: TestClient): Promise<void> {
    const { timeline } = journal;
    await sleep(STOP_AT_MS);
    await redis.stop();
    timeline.stoppedAt = journal.now();
    await sleep(1000);
    // While Redis is away: a rename (Redis comes back holding the old category tree), a
    // sign-out (Redis comes back holding that session) and a sign-in.
    const renamed = await admin.post(`/settings/categories/${categoryId}`, { name: RENAMED, parentId: '' });
    if (renamed?.status === 303) timeline.renamedAt = journal.now();
    leaverCookie = leaver.cookieHeader();
    const signedOut = await leaver.post('/logout');
    if (signedOut.location !== '/login?signedOut=1') journal.odd.push(`sign-out: ${signedOut.status} ${signedOut.location ?? ''}`);
    newcomer = await signIn(emails.owner);
    await sleep(Math.max(0, START_AT_MS - journal.now()));
    await redis.start();
    timeline.startedAt = journal.now();
    while (journal.now() < LOAD_MS) {
      const health = (await (await fetch(`${server.baseUrl}/health/cache`)).json()) as { status: string };
      if (health.status === 'ok') {
        timeline.healthOkAt = journal.now();
        return;
      }
      await sleep(100);
    }
  }

  function report(): void {
    const { timeline } = journal;
    const load = journal.samples.filter((s) => s.client !== 'probe');
    const phases = (samples: Sample[], show: (s: Sample[]) => string) =>
      `before ${show(samples.filter((s) => s.at < timeline.stoppedAt!))}, during ${show(samples.filter((s) => journal.inOutage(s.at)))}, after ${show(samples.filter((s) => s.at >= timeline.startedAt!))}`;
    const recovery = recoveryMs(probe, timeline.startedAt!);
    console.log(
      [
        `redis-outage-under-load: ${journal.samples.length} requests (${load.length} by ${USERS} users and the owner, ${probe.length} by the probe) in ${LOAD_MS / 1000} s`,
        `  Redis stopped at ${(timeline.stoppedAt! / 1000).toFixed(2)} s, started at ${(timeline.startedAt! / 1000).toFixed(2)} s (outage ${((timeline.startedAt! - timeline.stoppedAt!) / 1000).toFixed(1)} s); ${load.filter((s) => journal.inOutage(s.at)).length} user requests during it`,
        `  sales confirmed ${journal.sales.length} (${journal.sales.filter((s) => journal.inOutage(s.at)).length} during the outage), refused for short stock ${journal.refusedSales}; payments ${journal.payments.length}; price changes ${journal.samples.filter((s) => s.method === 'POST' && s.path.startsWith('/catalog/products/') && s.status === 303).length}`,
        `  status codes: ${JSON.stringify(countBy(journal.samples, (s) => String(s.status)))}`,
        `  probe X-Cache HIT: ${phases(probe, hitRatio)}`,
        `  users' cached pages HIT: ${phases(load, hitRatio)}`,
        `  users' latency: ${phases(load, latency)}`,
        `  category renamed at ${timeline.renamedAt === undefined ? 'never' : `${(timeline.renamedAt / 1000).toFixed(2)} s`}; old name shown afterwards ${journal.oldNameSeen.length} times`,
        `  cache recovered (≥ 80 % HIT over 1 s) ${recovery === undefined ? 'never' : `${recovery.toFixed(0)} ms`} after Redis started; /health/cache ok after ${timeline.healthOkAt === undefined ? 'never' : `${(timeline.healthOkAt - timeline.startedAt!).toFixed(0)} ms`}`,
        `  server warnings: ${JSON.stringify(countBy(loggedProblems(server.output()), (msg) => msg))}`,
      ].join('\n'),
    );
  }

  beforeAll(async () => {
    [redis, database] = await Promise.all([RedisServer.start(), createTestDatabase('postgresql')]);
    const prisma = database.db.prisma;
    ({ tenantId } = await createTenant(prisma, { name: 'Load Hardware', ownerEmail: emails.owner, ownerPassword: PASSWORD }));
    await createUser(prisma, tenantId, { email: emails.manager, password: PASSWORD, role: 'manager', name: 'Manager' });
    unitId = (await prisma.unit.create({ data: { tenantId, code: 'pc', name: 'Piece' } })).id;
    categoryId = (await prisma.category.create({ data: { tenantId, name: CATEGORY } })).id;
    for (const name of ['Ana García', 'Omar Haddad', 'Aiko Tanaka'])
      customerIds.push((await prisma.customer.create({ data: { tenantId, name } })).id);
    server = await startServer({
      DATABASE_URL: database.databaseUrl!,
      REDIS_URL: redis.url,
      CACHE_KEY_PREFIX: uniquePrefix('load'),
      SESSION_SECRET: randomBytes(32).toString('hex'),
      LOG_LEVEL: 'warn',
      // The load posts faster than a person; the per-session POST limit is not under test.
      RATE_LIMIT_POSTS_PER_MINUTE: '10000',
    });

    owner = await signIn(emails.owner);
    // Products through the app, so their opening stock is in the ledger as a user's would be.
    // The last one is scarce: some sales are refused for short stock, and must write nothing.
    for (const [i, initial] of [400, 400, 400, 400, 400, 6].entries()) {
      const p = { id: 0, sku: `LOAD-${i}`, name: `Load item ${i}`, initial, price: `${100 + 10 * i}.00` };
      const created = await owner.post('/catalog/products', { ...productForm(p, p.price), openingStock: String(initial) });
      expect(created.status, created.html).toBe(303);
      p.id = Number(/\/catalog\/products\/(\d+)$/.exec(created.location ?? '')?.[1]);
      products.push(p);
    }
    users = [];
    for (let i = 0; i < USERS; i++) users.push(new LoadClient(`user${i}`, await signIn(i < 2 ? emails.owner : emails.manager), journal));
    const prober = new LoadClient('probe', await signIn(emails.owner), journal);
    const leaver = await signIn(emails.manager);
    // Start from the steady state: the pages cached.
    for (const path of [...BROWSE, ...PROBE]) await owner.get(path);

    journal.startedAt = performance.now();
    await Promise.all([...users.map((c, i) => work(c, i)), probing(prober), outage(new LoadClient('owner', owner, journal), leaver)]);
    probe = journal.samples.filter((s) => s.client === 'probe');
    report();
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
    // Its own redis-server: destroying it (and its directory) removes every key it held.
    await redis?.destroy();
    await database?.drop();
  }, 60_000);

  it('took writes while Redis was away, and bypassed the cache then', () => {
    expect(journal.sales.filter((s) => journal.inOutage(s.at)).length, 'sales confirmed during the outage').toBeGreaterThan(0);
    expect(journal.timeline.renamedAt, 'category renamed during the outage').toBeDefined();
    // The premise of the recovery measure: the probe's pages were not served from the cache.
    const duringOutage = probe.filter((s) => journal.inOutage(s.at) && s.at >= journal.timeline.stoppedAt! + 500);
    expect(
      duringOutage.filter((s) => s.cache === 'HIT').length / duringOutage.length,
      'probe HIT ratio while Redis was stopped',
    ).toBeLessThan(0.8);
  });

  it('answered every request without a 5xx and sent nobody to the sign-in page', () => {
    const wrong = journal.samples.filter(
      (s) =>
        s.status === 0 ||
        s.status >= 500 ||
        s.location?.startsWith('/login') ||
        ![200, 303, 409].includes(s.status) ||
        (s.status === 409 && s.path !== '/sales'),
    );
    expect(wrong, server.output()).toEqual([]);
    expect(journal.odd).toEqual([]);
    // Logged the outage (once per part, unless Redis failed again later) and nothing else:
    // no error, no failed CSRF check, no failed after-commit hook.
    expect([...new Set(loggedProblems(server.output()))].sort(), server.output()).toEqual(OUTAGE_WARNINGS);
  });

  it('keeps everyone signed in with the same session, and a sign-out made during the outage signed out', async () => {
    for (const c of users) {
      const cookie = c.http.cookieHeader();
      const home = await c.get('/');
      expect(home?.status, `${c.name} after the run`).toBe(200);
      expect(c.http.cookieHeader(), `${c.name}'s session cookie`).toBe(cookie);
      expect(await sell(c, false), `${c.name}'s sale after the run (CSRF token still valid)`).toBeDefined();
    }
    expect((await newcomer.get('/')).status, 'signed in during the outage').toBe(200);
    const leaverHome = await fetch(`${server.baseUrl}/`, { headers: { cookie: leaverCookie }, redirect: 'manual' });
    expect([leaverHome.status, leaverHome.headers.get('location')], 'signed out during the outage').toEqual([303, '/login']);
  });

  it('lost no sale, payment or price, and stock is what was sold', async () => {
    const prisma = database.db.prisma;
    const dbSales = await prisma.sale.findMany({
      where: { tenantId },
      include: { lines: { orderBy: { lineNo: 'asc' } } },
      orderBy: { id: 'asc' },
    });
    expect(dbSales.length, 'sales in the database = sales confirmed to users').toBe(journal.sales.length);
    const byId = new Map(dbSales.map((s) => [s.id, s]));
    for (const told of journal.sales) {
      const sale = byId.get(told.id);
      expect(sale?.status, `sale ${told.id}`).toBe('confirmed');
      expect(
        sale!.lines.map((l) => ({ productId: l.productId, quantity: l.quantity.toNumber() })),
        `lines of sale ${told.id}`,
      ).toEqual(told.lines);
    }
    // Stock on hand = initial − sold, and the ledger agrees with it.
    const dbProducts = await prisma.product.findMany({ where: { tenantId }, select: { id: true, quantityOnHand: true, price: true } });
    const ledger = await prisma.stockMovement.groupBy({ by: ['productId'], where: { tenantId }, _sum: { quantity: true } });
    for (const p of products) {
      const sold = journal.sales
        .flatMap((s) => s.lines)
        .filter((l) => l.productId === p.id)
        .reduce((sum, l) => sum + l.quantity, 0);
      const row = dbProducts.find((d) => d.id === p.id)!;
      expect(row.quantityOnHand.toNumber(), `stock of ${p.sku}`).toBe(p.initial - sold);
      expect(ledger.find((m) => m.productId === p.id)?._sum.quantity?.toNumber(), `ledger of ${p.sku}`).toBe(p.initial - sold);
      expect(row.price.toFixed(2), `price of ${p.sku}`).toBe(journal.prices.get(p.id) ?? p.price);
    }
    // Every payment told is there (and those of sales paid at once); each sale's paid total is what was paid on it.
    const dbPayments = await prisma.payment.findMany({ where: { tenantId }, select: { id: true, saleId: true, amount: true } });
    for (const told of journal.payments)
      expect(dbPayments.find((p) => p.id === told.id)?.amount.toFixed(2), `payment ${told.id}`).toBe(told.amount);
    expect(dbPayments.length, 'payments: sales paid at once plus payments told').toBe(
      journal.sales.filter((s) => !s.onAccount).length + journal.payments.length,
    );
    for (const sale of dbSales) {
      const paid = dbPayments.filter((p) => p.saleId === sale.id).reduce((sum, p) => sum.plus(p.amount), new Prisma.Decimal(0));
      expect(sale.paidTotal.toFixed(2), `paid total of sale ${sale.id}`).toBe(paid.toFixed(2));
    }
  });

  it('serves cache hits again within 5 s of Redis starting, and none of the values from before the outage', async () => {
    expect(
      recoveryMs(probe, journal.timeline.startedAt!),
      'ms from Redis start until ≥ 80 % of the probe’s pages in 1 s were HIT',
    ).toBeLessThanOrEqual(RECOVERY_LIMIT_MS);
    // Redis came back holding the old category tree, product list and balance.
    expect(journal.oldNameSeen, 'category pages showing the old name after the rename').toEqual([]);
    const list = await owner.get('/catalog/products');
    expect(list.html).toContain(RENAMED);
    expect(list.html).not.toContain(CATEGORY);
    for (const p of products) expect(list.html, `${p.sku} on the product list`).toContain(`$${journal.prices.get(p.id) ?? p.price}`);
    const prisma = database.db.prisma;
    const [sales, payments] = await Promise.all([
      prisma.sale.aggregate({ where: { tenantId }, _sum: { total: true } }),
      prisma.payment.aggregate({ where: { tenantId }, _sum: { amount: true } }),
    ]);
    const csv = await owner.get('/balance.csv?preset=this-month&granularity=month');
    const total = csv.html.trim().split('\n').at(-1)!.split(',');
    expect([total[3], total[4]], 'this month’s balance: sales and payments').toEqual([
      sales._sum.total!.toFixed(2),
      payments._sum.amount!.toFixed(2),
    ]);
  });
});
