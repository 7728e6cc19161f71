#!/usr/bin/env node
// Benchmark dispatcher: `node bench/run.mjs <name> [flags]` runs bench/<name>.mjs against the
// compiled code in dist/ (`npm run bench -- <name>` builds first).
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((f) => f.endsWith('.mjs') && f !== 'run.mjs')
  .map((f) => f.slice(0, -'.mjs'.length));

const [name, ...args] = process.argv.slice(2);
if (!name || !/^[a-z0-9-]+$/.test(name) || !available.includes(name)) {
  console.error(`usage: npm run bench -- <name> [flags]\navailable: ${available.join(', ') || '(none)'}`);
  process.exit(2);
}
if (!existsSync(join(here, '..', 'dist'))) {
  console.error('dist/ is missing: run `npm run build` first (npm run bench does it for you)');
  process.exit(2);
}

const mod = await import(pathToFileURL(join(here, `${name}.mjs`)).href);
if (typeof mod.main === 'function') {
  process.exitCode = (await mod.main(args)) ?? 0;
}
