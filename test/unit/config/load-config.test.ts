import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, resolveConfigPath } from '../../../src/config/load-config.js';

const dir = mkdtempSync(join(tmpdir(), 'lifeboat-config-'));

describe('loadConfig', () => {
  it('reports a missing file as one line naming the path', async () => {
    const path = join(dir, 'missing.yaml');
    expect(await loadConfig({ path, env: {} })).toStrictEqual({ ok: false, errors: [`config: cannot read ${path}: no such file`] });
  });

  it('reports a directory as one line naming the path', async () => {
    expect(await loadConfig({ path: dir, env: {} })).toStrictEqual({
      ok: false,
      errors: [`config: cannot read ${dir}: it is a directory`],
    });
  });

  it('validates the file it reads, with the given environment', async () => {
    const path = join(dir, 'ok.yaml');
    writeFileSync(path, 'server: { port: 8080 }\n');
    const result = await loadConfig({ path, env: { LIFEBOAT_PORT: '9000' } });
    expect(result.ok && result.config.server.port).toBe(9000);
  });

  it('returns the problems of an invalid file', async () => {
    const path = join(dir, 'bad.yaml');
    writeFileSync(path, 'server: { port: http }\n');
    expect(await loadConfig({ path, env: {} })).toStrictEqual({
      ok: false,
      errors: ['server.port: "http" is not a port (use a whole number 1-65535)'],
    });
  });
});

describe('resolveConfigPath', () => {
  it.each([
    ['--config wins over LIFEBOAT_CONFIG', 'cli.yaml', { LIFEBOAT_CONFIG: 'env.yaml' }, 'cli.yaml'],
    ['LIFEBOAT_CONFIG without --config', undefined, { LIFEBOAT_CONFIG: 'env.yaml' }, 'env.yaml'],
    ['./lifeboat.yaml without either', undefined, {}, './lifeboat.yaml'],
    ['an empty LIFEBOAT_CONFIG counts as unset', undefined, { LIFEBOAT_CONFIG: '' }, './lifeboat.yaml'],
  ])('%s', (_name, argv, env, expected) => {
    expect(resolveConfigPath(argv, env)).toBe(expected);
  });
});
