#!/usr/bin/env node
// A new user's first hour, as a script (issue 17): pack the packages, install them into a fresh npm
// project and a fresh pnpm project (strict, no hoisting), write a contract, run `ssekit generate`,
// compile with tsc (NodeNext), start a server and receive one typed event with a Date through the
// generated client. Exits non-zero on the first failure. Usage: node scripts/trial.mjs [npm|pnpm]…
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const PACKAGES = ['core', 'openapi', 'server', 'client', 'codegen'];
const managers = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['npm', 'pnpm'];
const started = Date.now();

function sh(cwd, command, args) {
  const t = Date.now();
  process.stdout.write(`[trial] ${cwd === root ? '.' : cwd}$ ${command} ${args.join(' ')}\n`);
  const out = execFileSync(command, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, npm_config_fund: 'false', npm_config_audit: 'false' },
  });
  process.stdout.write(`[trial]   ${((Date.now() - t) / 1000).toFixed(1)} s\n`);
  return out;
}

const CONTRACT = `import { defineContract, isoDate } from '@ssekit/core';
import { z } from 'zod';

export const contract = defineContract({
  events: {
    price: z.object({ symbol: z.string(), price: z.number(), at: isoDate() }),
  },
});
`;

const MAIN = `import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createSseServer } from '@ssekit/server';
import express from 'express';
import { contract } from './events.js';
import { createClient } from './events.client.js';

const sse = createSseServer(contract, {});
const app = express();
app.use('/sse', sse.router);
const server = app.listen(0, '127.0.0.1');
await once(server, 'listening');
const { port } = server.address() as AddressInfo;

const at = new Date('2026-11-24T10:00:00.000Z');
const client = createClient({
  url: \`http://127.0.0.1:\${port}/sse\`,
  onStatus: (status) => {
    if (status === 'open') sse.publish('price', { symbol: 'AAPL', price: 191.2, at });
  },
  onError: (error) => {
    console.error('onError', error.code, error.message);
    process.exit(1);
  },
});
const timer = setTimeout(() => {
  console.error('no event within 10 s');
  process.exit(1);
}, 10_000);
const price = await new Promise<{ symbol: string; price: number; at: Date }>((resolve) => {
  client.subscribe('price', resolve);
});
clearTimeout(timer);
// A compile-time check as well: \`at\` is typed Date.
const when: Date = price.at;
if (!(when instanceof Date) || when.getTime() !== at.getTime() || price.symbol !== 'AAPL') {
  console.error('wrong event', price);
  process.exit(1);
}
console.log('TRIAL OK', price.symbol, price.price, when.toISOString());
client.close();
await sse.close({ graceMs: 0 });
server.close();
`;

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    // As most projects set it; the packages' own .d.ts are checked by publint/attw in `check`.
    skipLibCheck: true,
    types: ['node'],
    lib: ['ES2023'],
    outDir: 'dist',
  },
  include: ['*.ts'],
};

function pack(dir) {
  if (PACKAGES.some((pkg) => !existsSync(join(root, 'packages', pkg, 'dist')))) {
    sh(root, 'pnpm', ['-r', ...PACKAGES.flatMap((p) => ['--filter', `@ssekit/${p}`]), 'build']);
  }
  for (const pkg of PACKAGES) {
    sh(join(root, 'packages', pkg), 'pnpm', ['pack', '--pack-destination', dir]);
  }
  const files = readdirSync(dir);
  return Object.fromEntries(
    PACKAGES.map((pkg) => {
      const file = files.find((f) => f.startsWith(`ssekit-${pkg}-`) && f.endsWith('.tgz'));
      if (!file) throw new Error(`no tarball for @ssekit/${pkg} in ${dir}`);
      return [`@ssekit/${pkg}`, `file:${join(dir, file)}`];
    }),
  );
}

function trial(manager, base, tarballs) {
  const dir = join(base, manager);
  mkdirSync(dir);
  const dependencies = {
    '@ssekit/core': tarballs['@ssekit/core'],
    '@ssekit/server': tarballs['@ssekit/server'],
    '@ssekit/client': tarballs['@ssekit/client'],
    zod: '^4.1.0',
    express: '^5.1.0',
  };
  const devDependencies = {
    '@ssekit/codegen': tarballs['@ssekit/codegen'],
    typescript: '~5.9.0',
    '@types/express': '^5.0.0',
    '@types/node': '^20.19.0',
  };
  // Overrides: the packages' dependencies on each other resolve to these tarballs too, never to
  // whatever a registry holds under the same name (npm spells "the direct dependency's spec" `$name`;
  // @ssekit/openapi, which server and codegen bring, is no direct dependency).
  const direct = { ...dependencies, ...devDependencies };
  const overrides = Object.fromEntries(
    Object.keys(tarballs).map((name) => [
      name,
      manager === 'npm' && name in direct ? `$${name}` : tarballs[name],
    ]),
  );
  const pkg = {
    name: `ssekit-trial-${manager}`,
    private: true,
    type: 'module',
    dependencies,
    devDependencies,
    ...(manager === 'npm' ? { overrides } : { pnpm: { overrides } }),
  };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  if (manager === 'npm') {
    sh(dir, 'npm', ['install', '--no-audit', '--no-fund']);
  } else {
    // Strict: nothing hoisted, so a missing direct dependency fails as it would for a user.
    writeFileSync(join(dir, '.npmrc'), 'hoist=false\npublic-hoist-pattern=\n');
    sh(dir, 'pnpm', ['install']);
  }
  writeFileSync(join(dir, 'events.ts'), CONTRACT);
  writeFileSync(join(dir, 'main.ts'), MAIN);
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2));
  const bin = join(dir, 'node_modules', '.bin');
  sh(dir, join(bin, 'ssekit'), ['generate', 'events.ts', '--out', 'events.client.ts']);
  sh(dir, join(bin, 'tsc'), ['-p', 'tsconfig.json']);
  const out = sh(dir, process.execPath, [join(dir, 'dist', 'main.js')]);
  if (!out.includes('TRIAL OK AAPL 191.2 2026-11-24T10:00:00.000Z')) {
    throw new Error(`${manager}: the program did not receive the event: ${out}`);
  }
  process.stdout.write(`[trial] ${manager}: ${out.trim()}\n`);
}

const base = mkdtempSync(join(tmpdir(), 'ssekit-trial-'));
try {
  const tarballDir = join(base, 'tarballs');
  mkdirSync(tarballDir);
  const tarballs = pack(tarballDir);
  for (const manager of managers) trial(manager, base, tarballs);
  process.stdout.write(
    `[trial] passed (${managers.join(', ')}) in ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
  );
} catch (error) {
  const e = /** @type {{ stdout?: string; stderr?: string; message?: string }} */ (error);
  process.stderr.write(`[trial] FAILED: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}\n`);
  process.exitCode = 1;
} finally {
  if (process.exitCode !== 1) rmSync(base, { recursive: true, force: true });
  else process.stderr.write(`[trial] left for inspection: ${base}\n`);
}
