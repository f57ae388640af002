import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config.ts';

// There is no Docker engine on these machines: this test keeps the settings the app reads
// from being dropped unseen.

interface Service {
  image?: string;
  command?: string[] | string;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] | string };
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }> | string[];
  expose?: string[];
  networks?: string[] | Record<string, { ipv4_address?: string } | null>;
}
interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
  networks?: Record<string, { ipam?: { config?: Array<{ subnet?: string }> }; internal?: boolean } | null>;
}

const load = (file: string) => parse(readFileSync(file, 'utf8')) as Compose;
const commandOf = (s: Service) => (Array.isArray(s.command) ? s.command.join(' ') : (s.command ?? ''));

describe('compose files', () => {
  describe('docker-compose.scale.yml (more than one machine)', () => {
    const compose = load('docker-compose.scale.yml');
    const app = compose.services.app!;
    // Compose would substitute the secrets; any value does for the check.
    const env = Object.fromEntries(
      Object.entries(app.environment ?? {}).map(([k, v]) => [
        k,
        String(v).replace(/\$\{[^}]+\}/g, (ref) =>
          ref.startsWith('${TOTP_ENCRYPTION_KEY') ? 'a1'.repeat(32) : 'secret-placeholder-of-at-least-32-characters',
        ),
      ]),
    );

    it('publishes only the load balancer', () => {
      for (const [name, service] of Object.entries(compose.services)) if (name !== 'balancer') expect(service.ports, name).toBeUndefined();
    });

    it('gives the app a configuration it accepts: the sentinels the file runs, PostgreSQL through PgBouncer', () => {
      const config = loadConfig(env);
      expect(config.redis).toMatchObject({ kind: 'sentinel', name: 'stock' });
      const sentinels = config.redis?.kind === 'sentinel' ? config.redis.sentinels.map((s) => s.host) : [];
      expect(sentinels.sort()).toEqual(
        Object.keys(compose.services)
          .filter((n) => n.startsWith('sentinel-'))
          .sort(),
      );
      for (const name of sentinels) expect(commandOf(compose.services[name]!)).toContain('sentinel monitor stock redis-primary 6379 2');
      expect(new URL(config.databaseUrl!).hostname).toBe('pgbouncer');
      expect(compose.services.pgbouncer!.environment?.POOL_MODE).toBe('transaction');
      expect(commandOf(compose.services['redis-replica']!)).toContain('--replicaof redis-primary 6379');
    });
  });

  describe('docker-compose.yml (development)', () => {
    const compose = load('docker-compose.yml');
    const redis = compose.services.redis!;

    it('runs app, PostgreSQL and Redis, the app waiting for both to be healthy', () => {
      expect(Object.keys(compose.services).sort()).toEqual(['app', 'postgres', 'redis']);
      expect(compose.services.app!.depends_on).toEqual({
        postgres: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
      });
      expect(compose.services.postgres!.healthcheck).toBeDefined();
    });

    it('uses redis:7-alpine on port 6379 with 256mb, allkeys-lru and an RDB snapshot every 60 s', () => {
      expect(redis.image).toBe('redis:7-alpine');
      expect(redis.ports).toContain('6379:6379');
      const cmd = commandOf(redis);
      expect(cmd).toMatch(/--maxmemory 256mb/);
      expect(cmd).toMatch(/--maxmemory-policy allkeys-lru/);
      expect(cmd).toMatch(/--save 60 \d+/);
    });

    it('checks Redis health with redis-cli ping and keeps its data in a named volume', () => {
      expect(JSON.stringify(redis.healthcheck!.test)).toContain('redis-cli');
      expect(JSON.stringify(redis.healthcheck!.test)).toContain('ping');
      const volume = redis.volumes!.find((v) => v.endsWith(':/data'))!.split(':')[0]!;
      expect(compose.volumes).toHaveProperty(volume);
    });
  });

  describe('docker-compose.prod.yml (production)', () => {
    const compose = load('docker-compose.prod.yml');
    const redisServices = Object.entries(compose.services).filter(([, s]) => s.image?.startsWith('redis:'));

    it('publishes no port but the reverse proxy, which forwards to the app', () => {
      for (const [name, service] of Object.entries(compose.services)) {
        if (name !== 'proxy') expect(service.ports, name).toBeUndefined();
      }
      const proxy = compose.services.proxy!;
      expect(proxy.image).toMatch(/^caddy:2/);
      expect(proxy.ports).toEqual(expect.arrayContaining(['80:80', '443:443']));
      expect(commandOf(proxy)).toMatch(/reverse-proxy --from \$\{SITE_ADDRESS:\?[^}]*\} --to app:3000/);
    });

    it("trusts X-Forwarded-For from the proxy's fixed address only, a value the app accepts", () => {
      const proxy = compose.services.proxy!;
      const address = (proxy.networks as Record<string, { ipv4_address?: string }>).edge!.ipv4_address!;
      expect(address).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      const subnet = compose.networks!.edge!.ipam!.config![0]!.subnet!;
      expect(address.split('.').slice(0, 3).join('.')).toBe(subnet.split('/')[0]!.split('.').slice(0, 3).join('.'));
      const env = compose.services.app!.environment!;
      expect(env.TRUST_PROXY).toBe(address);
      expect(loadConfig({ TRUST_PROXY: env.TRUST_PROXY }).trustProxy).toEqual([address]);
      // The app is on the proxy's network and the databases' one; the databases are not on the proxy's.
      expect(compose.services.app!.networks).toEqual(expect.arrayContaining(['edge', 'backend']));
      for (const name of ['postgres', 'redis', 'redis-sessions']) expect(compose.services[name]!.networks, name).toEqual(['backend']);
      expect(compose.networks!.backend!.internal).toBe(true);
    });

    it('protects every Redis with requirepass from REDIS_PASSWORD, AOF everysec plus RDB, and a healthcheck', () => {
      expect(redisServices.length).toBeGreaterThan(0);
      for (const [name, service] of redisServices) {
        const cmd = commandOf(service);
        expect(cmd, name).toMatch(/--requirepass "?\$\$REDIS_PASSWORD/);
        expect(service.environment?.REDIS_PASSWORD, name).toMatch(/\$\{REDIS_PASSWORD/);
        expect(cmd, name).toMatch(/--appendonly yes/);
        expect(cmd, name).toMatch(/--appendfsync everysec/);
        expect(cmd, name).toMatch(/--save \d+ \d+/);
        expect(JSON.stringify(service.healthcheck?.test), name).toContain('ping');
      }
    });

    it('gives the cache 512mb with allkeys-lru and never evicts sessions or rate limits', () => {
      const cache = commandOf(compose.services.redis!);
      expect(cache).toMatch(/--maxmemory 512mb/);
      expect(cache).toMatch(/--maxmemory-policy allkeys-lru/);
      const sessions = commandOf(compose.services['redis-sessions']!);
      expect(sessions).toMatch(/--maxmemory-policy noeviction/);
      expect(compose.services.app!.environment!.REDIS_SESSIONS_URL).toBe('redis://redis-sessions:6379');
    });

    it('requires the production secrets instead of defaulting them', () => {
      const env = compose.services.app!.environment!;
      expect(env.NODE_ENV).toBe('production');
      expect(env.SESSION_SECRET).toMatch(/:\?/);
      expect(env.REDIS_PASSWORD).toMatch(/:\?/);
      expect(env.TOTP_ENCRYPTION_KEY).toMatch(/:\?/);
    });
  });
});
