import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';

const messageFor = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (error) {
    return (error as Error).message;
  }
  return 'no error';
};

describe('config', () => {
  describe('loadConfig', () => {
    it('runs on embedded defaults with no environment', () => {
      const config = loadConfig({});
      expect(config).toMatchObject({ port: 3000, databaseUrl: undefined, redisUrl: undefined, seedDemo: true, pgliteDir: './data' });
      expect(config.cache).toMatchObject({
        enabled: true,
        keyPrefix: 'stock',
        defaultTtl: 60,
        negativeTtl: 15,
        ttl: { products: 60, categories: 300, uom: 3600, balance: 60 },
      });
    });

    it('reads every configuration variable', () => {
      const config = loadConfig({
        PORT: '8080',
        DATABASE_URL: 'postgresql://u@db:5432/stock',
        REDIS_URL: 'redis://cache:6379',
        REDIS_PASSWORD: 'pw',
        SESSION_SECRET: 's',
        CACHE_ENABLED: 'false',
        CACHE_KEY_PREFIX: 'shop',
        CACHE_DEFAULT_TTL: '10',
        CACHE_PRODUCTS_TTL: '11',
        CACHE_CATEGORIES_TTL: '12',
        CACHE_UOM_TTL: '13',
        CACHE_BALANCE_TTL: '14',
        CACHE_VIEWER_TTL: '15',
        CACHE_SALES_LIST_TTL: '16',
        CACHE_PAYMENTS_LIST_TTL: '17',
        CACHE_CUSTOMERS_TTL: '18',
        CACHE_NEGATIVE_TTL: '5',
        SESSION_TOUCH_INTERVAL_SECONDS: '30',
      });
      expect(config.session.touchIntervalSeconds).toBe(30);
      expect(config.port).toBe(8080);
      expect(config.databaseUrl).toBe('postgresql://u@db:5432/stock');
      expect(config.redisUrl).toBe('redis://cache:6379');
      expect(config.redisSessionsUrl).toBe('redis://cache:6379');
      expect(config.redisPassword).toBe('pw');
      expect(config.session.secret).toBe('s');
      expect(config.cache).toMatchObject({
        enabled: false,
        keyPrefix: 'shop',
        defaultTtl: 10,
        negativeTtl: 5,
        ttl: { products: 11, categories: 12, uom: 13, balance: 14, viewer: 15, 'sales-list': 16, 'payments-list': 17, customers: 18 },
      });
    });

    it('touches the Redis session at most once a minute by default, and never less often than half the idle timeout', () => {
      expect(loadConfig({}).session.touchIntervalSeconds).toBe(60);
      expect(loadConfig({ SESSION_TOUCH_INTERVAL_SECONDS: '0' }).session.touchIntervalSeconds).toBe(0);
      expect(messageFor({ SESSION_TOUCH_INTERVAL_SECONDS: '-1' })).toMatch(/SESSION_TOUCH_INTERVAL_SECONDS/);
      expect(messageFor({ SESSION_TOUCH_INTERVAL_SECONDS: 'soon' })).toMatch(/SESSION_TOUCH_INTERVAL_SECONDS/);
      expect(messageFor({ SESSION_IDLE_TIMEOUT: '100', SESSION_TOUCH_INTERVAL_SECONDS: '60' })).toMatch(
        /SESSION_TOUCH_INTERVAL_SECONDS.*half of SESSION_IDLE_TIMEOUT/,
      );
    });

    it('e-mail is off by default; SMTP_URL needs MAIL_FROM and APP_URL, each validated', () => {
      expect(loadConfig({}).mail).toBeUndefined();
      expect(loadConfig({}).lowStockDigest).toEqual({ hour: 8, checkIntervalMs: 300_000 });
      const on = loadConfig({
        SMTP_URL: 'smtps://user:secret@mail.example.com:465',
        MAIL_FROM: 'Stock <stock@example.com>',
        APP_URL: 'https://stock.example.com/',
        LOW_STOCK_DIGEST_HOUR: '6',
      });
      expect(on.mail).toEqual({ smtpUrl: 'smtps://user:secret@mail.example.com:465', from: 'Stock <stock@example.com>' });
      expect(on.appUrl).toBe('https://stock.example.com');
      expect(on.lowStockDigest.hour).toBe(6);
      const base = { SMTP_URL: 'smtp://127.0.0.1:2525', MAIL_FROM: 'stock@example.com', APP_URL: 'https://stock.example.com' };
      expect(messageFor({ ...base, SMTP_URL: 'http://mail.example.com' })).toBe(
        'Invalid configuration: SMTP_URL must be a URL starting with smtp:// or smtps://',
      );
      expect(messageFor({ ...base, MAIL_FROM: '' })).toMatch(/^Invalid configuration: MAIL_FROM is required with SMTP_URL/);
      expect(messageFor({ ...base, MAIL_FROM: 'not an address' })).toMatch(/^Invalid configuration: MAIL_FROM must be an address like/);
      expect(messageFor({ ...base, APP_URL: '' })).toMatch(/^Invalid configuration: APP_URL is required with SMTP_URL/);
      expect(messageFor({ ...base, APP_URL: 'ftp://x' })).toMatch(/^Invalid configuration: APP_URL must be a URL starting with http/);
      expect(messageFor({ LOW_STOCK_DIGEST_HOUR: '24' })).toBe(
        'Invalid configuration: LOW_STOCK_DIGEST_HOUR must be between 0 and 23 (got 24)',
      );
    });

    it('reaches Redis through a Cluster or Sentinels; sessions follow the cache unless told otherwise', () => {
      const cluster = loadConfig({ REDIS_CLUSTER_NODES: '10.0.0.1:7000, 10.0.0.2:7001' });
      expect(cluster.redis).toEqual({
        kind: 'cluster',
        nodes: [
          { host: '10.0.0.1', port: 7000 },
          { host: '10.0.0.2', port: 7001 },
        ],
      });
      expect(cluster.redisSessions).toEqual(cluster.redis);
      const sentinel = loadConfig({
        REDIS_CLUSTER_NODES: 'c:7000',
        REDIS_SESSIONS_SENTINELS: 's1:26379,s2:26379',
        REDIS_SESSIONS_SENTINEL_NAME: 'sessions',
      });
      expect(sentinel.redisSessions).toEqual({
        kind: 'sentinel',
        name: 'sessions',
        sentinels: [
          { host: 's1', port: 26379 },
          { host: 's2', port: 26379 },
        ],
      });
      expect(loadConfig({ REDIS_URL: 'redis://cache:6379' }).redis).toEqual({ kind: 'single', url: 'redis://cache:6379' });
      expect(loadConfig({}).redis).toBeUndefined();
    });

    it('reads report replicas from DATABASE_REPLICA_URLS; none when unset', () => {
      const config = loadConfig({
        DATABASE_URL: 'postgresql://p/stock',
        DATABASE_REPLICA_URLS: 'postgresql://r1/stock, postgres://r2/stock',
      });
      expect(config.databaseReplicaUrls).toEqual(['postgresql://r1/stock', 'postgres://r2/stock']);
      expect(loadConfig({ DATABASE_URL: 'postgresql://p/stock' }).databaseReplicaUrls).toEqual([]);
    });

    it.each([
      [{ PORT: 'abc' }, 'Invalid configuration: PORT must be a port number (got "abc")'],
      [
        { DATABASE_REPLICA_URLS: 'postgresql://r/stock' },
        'Invalid configuration: DATABASE_REPLICA_URLS needs DATABASE_URL (the primary): the embedded database has no replicas',
      ],
      [
        { DATABASE_URL: 'postgresql://p/stock', DATABASE_REPLICA_URLS: 'postgresql://r/stock,r2:5432' },
        'Invalid configuration: DATABASE_REPLICA_URLS must be postgresql:// URLs separated by commas',
      ],
      [
        { REDIS_CLUSTER_NODES: '10.0.0.1:7000,10.0.0.2' },
        'Invalid configuration: REDIS_CLUSTER_NODES must be a comma-separated list of host:port (got "10.0.0.2")',
      ],
      [
        { REDIS_SENTINELS: 's1:26379' },
        'Invalid configuration: REDIS_SENTINEL_NAME is required with REDIS_SENTINELS (the name the sentinels monitor the primary under)',
      ],
      [
        { REDIS_URL: 'redis://a:6379', REDIS_CLUSTER_NODES: 'a:7000' },
        'Invalid configuration: REDIS_CLUSTER_NODES cannot be combined with REDIS_URL: set one way to reach that Redis',
      ],
      [
        { REDIS_SESSIONS_SENTINEL_NAME: 'main' },
        'Invalid configuration: REDIS_SESSIONS_SENTINELS is required with REDIS_SESSIONS_SENTINEL_NAME',
      ],
      [{ PORT: '70000' }, 'Invalid configuration: PORT must be between 0 and 65535 (got 70000)'],
      [{ CACHE_BALANCE_TTL: '-1' }, 'Invalid configuration: CACHE_BALANCE_TTL must be between 1 and 2678400 (got -1)'],
      [{ CACHE_PRODUCTS_TTL: '1.5' }, 'Invalid configuration: CACHE_PRODUCTS_TTL must be a whole number of seconds (got "1.5")'],
      [{ CACHE_SALES_LIST_TTL: '0' }, 'Invalid configuration: CACHE_SALES_LIST_TTL must be between 1 and 2678400 (got 0)'],
      [{ CACHE_CUSTOMERS_TTL: 'soon' }, 'Invalid configuration: CACHE_CUSTOMERS_TTL must be a whole number of seconds (got "soon")'],
      [{ CACHE_ENABLED: 'maybe' }, 'Invalid configuration: CACHE_ENABLED must be true or false'],
      [{ DATABASE_URL: 'mysql://x@y/z' }, 'Invalid configuration: DATABASE_URL must be a URL starting with postgresql:// or postgres://'],
      [{ REDIS_URL: 'not a url' }, 'Invalid configuration: REDIS_URL must be a URL starting with redis:// or rediss://'],
      [{ CACHE_KEY_PREFIX: 'has:colon' }, 'Invalid configuration: CACHE_KEY_PREFIX must be 1-32 letters, digits, _ or -'],
      [{ NODE_ENV: 'production' }, 'Invalid configuration: SESSION_SECRET is required in production and must be at least 32 characters'],
      [{ LOG_LEVEL: 'loud' }, 'Invalid configuration: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent'],
      [
        { NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(32) },
        'Invalid configuration: TOTP_ENCRYPTION_KEY is required in production: 32 random bytes as 64 hex digits (openssl rand -hex 32)',
      ],
      [
        { TOTP_ENCRYPTION_KEY: 'short' },
        'Invalid configuration: TOTP_ENCRYPTION_KEY must be 32 random bytes as 64 hex digits or base64 (openssl rand -hex 32)',
      ],
      [
        { TOTP_ENCRYPTION_OLD_KEYS: `${'a'.repeat(64)},nope` },
        'Invalid configuration: TOTP_ENCRYPTION_OLD_KEYS must be keys like TOTP_ENCRYPTION_KEY, separated by commas',
      ],
      [{ METRICS_TOKEN: 'too-short' }, 'Invalid configuration: METRICS_TOKEN must be 24-200 printable characters without spaces'],
    ])('rejects %o with one clear line', (env, message) => {
      expect(messageFor(env)).toBe(message);
    });
  });

  describe('TRUST_PROXY names the proxy', () => {
    it.each([
      ['false', false],
      ['', false],
      ['1', 1],
      ['loopback', ['loopback']],
      ['10.0.0.5, 172.18.0.0/16,::1', ['10.0.0.5', '172.18.0.0/16', '::1']],
    ])('reads %o', (value, expected) => {
      expect(loadConfig({ TRUST_PROXY: value }).trustProxy).toEqual(expected);
    });

    it.each(['true', 'yes', '10.0.0.300', '10.0.0.0/33', 'proxy.example', '99'])(
      'refuses %o: it would believe any client or names no proxy',
      (value) => {
        expect(messageFor({ TRUST_PROXY: value })).toMatch(
          /^Invalid configuration: TRUST_PROXY must name the proxy in front of the app: false, a hop count .* or its addresses/,
        );
      },
    );
  });

  describe('start-up with a bad value', { timeout: 90_000 }, () => {
    it.each([
      ['PORT', 'abc', 'Invalid configuration: PORT must be a port number (got "abc")'],
      ['CACHE_BALANCE_TTL', '-1', 'Invalid configuration: CACHE_BALANCE_TTL must be between 1 and 2678400 (got -1)'],
    ])('stops with exit 1 and one line naming %s, no stack trace', (name, value, message) => {
      const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
        env: { PATH: process.env.PATH, [name]: value },
        encoding: 'utf8',
        timeout: 80_000,
      });
      expect(result.status).toBe(1);
      expect(result.stderr.trim()).toBe(message);
      expect(result.stdout).toBe('');
    });
  });
});
