import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// scripts/check-compose.sh, which the second README command runs on every docker-compose*.yml:
// Debian's docker-compose parses and validates each file offline (no Docker engine here).

const check = (...files: string[]) =>
  spawnSync('bash', ['scripts/check-compose.sh', ...files], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: process.env.HOME } });

describe('compose file check', { timeout: 60_000 }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'stock-compose-'));
  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('passes every compose file of the project, with no production secret set', () => {
    const files = readdirSync('.').filter((f) => /^docker-compose.*\.ya?ml$/.test(f));
    expect(files).toEqual(expect.arrayContaining(['docker-compose.yml', 'docker-compose.prod.yml']));
    const result = check(...files);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    for (const file of files) expect(result.stdout).toContain(`compose file ok: ${file}`);
  });

  it('fails, naming the file and the problem, on a misspelt option or broken YAML', () => {
    const misspelt = write(
      'misspelt.yml',
      readFileSync('docker-compose.yml', 'utf8').replace('    image: redis:7-alpine', '    imagee: redis:7-alpine'),
    );
    const broken = write('broken.yml', 'services:\n  app:\n    image: node:20\n   ports: ["3000:3000"]\n');
    const result = check(misspelt, broken);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`compose file INVALID: ${misspelt}`);
    expect(result.stderr).toMatch(/Unsupported config option for services\.redis: 'imagee'/);
    expect(result.stderr).toContain(`compose file INVALID: ${broken}`);
  });

  it('passes a file whose required variable is unset, which docker-compose alone refuses', () => {
    const file = write(
      'required.yml',
      'services:\n  app:\n    image: node:20\n    environment:\n      TOKEN: ${SOME_REQUIRED_TOKEN:?set SOME_REQUIRED_TOKEN}\n    command: ["sh", "-c", "echo $${NOT_A_COMPOSE_VARIABLE:?x}"]\n',
    );
    const result = check(file);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const config = spawnSync('docker-compose', ['-f', file, 'config'], { encoding: 'utf8', env: { PATH: process.env.PATH } });
    // Without the check's placeholder, docker-compose itself refuses the file.
    expect(config.status).not.toBe(0);
    expect(config.stderr).toMatch(/set SOME_REQUIRED_TOKEN/);
  });
});
