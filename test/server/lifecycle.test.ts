import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer } from '../helpers/server.ts';

const START_TIMEOUT_MS = 180_000;

describe('server', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'stock-server-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  describe('first start on the embedded database', () => {
    it(
      'creates the demo business once, prints its login, serves /login and /health, and a restart seeds nothing',
      async () => {
        const dir = tempDir();
        const first = await startServer({ PGLITE_DIR: dir, SEED_DEMO: 'true' });
        try {
          expect(first.output()).toMatch(/Sign in as owner@demo\.stock\.test with password demo-\S+/);
          expect((await fetch(`${first.baseUrl}/login`)).status).toBe(200);
          // It answered while the year of demo sales was still being written (a year takes many seconds).
          expect(first.output()).not.toMatch(/demo data ready/);
          const health = await fetch(`${first.baseUrl}/health`);
          expect(health.status).toBe(200);
          expect(await health.json()).toMatchObject({ status: 'ok', app: 'ok', database: 'ok', redis: 'not configured' });
        } finally {
          expect(await first.stop()).toBe(0);
        }
        const second = await startServer({ PGLITE_DIR: dir, SEED_DEMO: 'true' });
        try {
          expect(second.output()).not.toMatch(/Sign in as/);
          expect((await fetch(`${second.baseUrl}/login`)).status).toBe(200);
        } finally {
          expect(await second.stop()).toBe(0);
        }
      },
      START_TIMEOUT_MS * 2,
    );
  });

  describe('graceful shutdown', () => {
    it(
      'finishes a request in flight on SIGTERM, refuses new connections, then exits 0',
      async () => {
        const server = await startServer({ PGLITE_DIR: tempDir() });
        // A request whose body is still arriving when the signal comes.
        const socket = net.connect(server.port, '127.0.0.1');
        await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
        let response = '';
        socket.on('data', (chunk) => (response += chunk.toString()));
        const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
        const body = 'email=a%40b.test&password=x';
        socket.write(
          `POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body.slice(0, 5)}`,
        );
        await sleep(200);

        const exited = server.stop();
        await sleep(500);
        await expect(fetch(`${server.baseUrl}/health`)).rejects.toThrow();

        socket.write(body.slice(5));
        await closed;
        expect(response).toMatch(/^HTTP\/1\.1 \d{3} /);
        expect(response).not.toMatch(/^HTTP\/1\.1 5\d\d /);
        expect(await exited).toBe(0);
        expect(server.output()).toMatch(/shutting down/);
        expect(server.output()).toMatch(/stopped/);
      },
      START_TIMEOUT_MS,
    );
  });
});
