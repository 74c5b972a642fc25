import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { launchChromium as launchKitChromium } from '@ssekit/test-kit';
import { build, type Plugin } from 'esbuild';
import type express from 'express';
import type { Browser, Page } from 'playwright-core';
import type { PageClientOptions, PageState, PageWindow } from './page-api.js';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** The page script bundled for the browser, and what went into it. */
export interface PageBundle {
  readonly code: string;
  /** Source files in the bundle, relative to the repository root. */
  readonly inputs: readonly string[];
  /** Node built-ins that some module imported, with the importer: must be empty. */
  readonly builtins: readonly string[];
}

const bareBuiltins = builtinModules.filter((name) => !name.startsWith('_'));
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const builtinFilter = new RegExp(`^(node:.*|(${bareBuiltins.map(escapeRegExp).join('|')})(/.*)?)$`);

const bundled = new Map<string, Promise<PageBundle>>();

/**
 * Bundle a page script (by default `page.ts`: the client's source, the contract, zod) with esbuild
 * for the browser. A Node built-in anywhere in the graph is recorded rather than left to esbuild's
 * generic resolve error, so that the failure names the importer. Built once per test file.
 */
export function bundlePage(entry = './page.ts'): Promise<PageBundle> {
  let pending = bundled.get(entry);
  if (pending) return pending;
  pending = (async () => {
    const builtins: string[] = [];
    const recordBuiltins: Plugin = {
      name: 'record-node-builtins',
      setup(pluginBuild) {
        pluginBuild.onResolve({ filter: builtinFilter }, (args) => {
          builtins.push(`${args.path} (imported by ${args.importer})`);
          return { path: args.path, external: true };
        });
      },
    };
    const result = await build({
      entryPoints: [here(entry)],
      absWorkingDir: here('../../../..'),
      // The root tsconfig maps `@ssekit/*` to the packages' sources, as vitest.config.ts does.
      tsconfig: here('../../../../tsconfig.json'),
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'iife',
      target: 'chrome120',
      metafile: true,
      logLevel: 'silent',
      plugins: [recordBuiltins],
    });
    const problems = [...result.errors, ...result.warnings].map((m) => m.text);
    if (problems.length > 0) throw new Error(`esbuild reported: ${problems.join('; ')}`);
    const code = result.outputFiles[0]?.text;
    if (code === undefined) throw new Error('esbuild wrote no output');
    return { code, inputs: Object.keys(result.metafile.inputs), builtins };
  })();
  bundled.set(entry, pending);
  return pending;
}

/**
 * Serve the page and its script from the app that also mounts the SSE router: same origin, so the
 * client's relative `/sse` works and no CORS is involved. Pass as `startTestServer`'s `setup`.
 */
export function servePage(bundle: PageBundle): (app: express.Express) => void {
  return (app) => {
    app.get('/', (_req, res) => {
      res
        .type('html')
        .send(
          '<!doctype html><html><head><meta charset="utf-8"><title>ssekit browser test</title>' +
            '<script src="/page.js"></script></head><body></body></html>',
        );
    });
    app.get('/page.js', (_req, res) => {
      res.type('text/javascript').send(bundle.code);
    });
    app.get('/favicon.ico', (_req, res) => {
      res.status(204).end();
    });
  };
}

/** Headless Chromium, closed by `await using`. */
export interface TestBrowser extends AsyncDisposable {
  readonly browser: Browser;
}

/** Launch headless Chromium (found by the test kit, never hard-coded); closed by `await using`. */
export async function launchChromium(): Promise<TestBrowser> {
  const browser = await launchKitChromium();
  return { browser, [Symbol.asyncDispose]: () => browser.close() };
}

/** A page of the test app in its own browser context (its own connection pool). */
export interface TestPage extends AsyncDisposable {
  readonly page: Page;
  /** The page's console output and uncaught errors, for failure messages. */
  readonly log: string[];
}

export async function openTestPage(browser: Browser, origin: string): Promise<TestPage> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const log: string[] = [];
    page.on('console', (message) => log.push(`console.${message.type()}: ${message.text()}`));
    page.on('pageerror', (error) => log.push(`pageerror: ${error.message}`));
    await page.goto(`${origin}/`, { timeout: 10_000 });
    await page.waitForFunction(() => 'ssekit' in window, undefined, { timeout: 5_000 });
    return { page, log, [Symbol.asyncDispose]: () => context.close() };
  } catch (error) {
    await context.close();
    throw error;
  }
}

/** Create a client in the page under `key` and subscribe. */
export async function openClient(page: Page, key: string, options: PageClientOptions) {
  await page.evaluate(([k, o]) => (window as unknown as PageWindow).ssekit.open(k, o), [
    key,
    options,
  ] as const);
}

export async function closeClient(page: Page, key: string) {
  await page.evaluate((k) => (window as unknown as PageWindow).ssekit.close(k), key);
}

export async function setToken(page: Page, token: string) {
  await page.evaluate((t) => (window as unknown as PageWindow).ssekit.setToken(t), token);
}

export async function readState(page: Page): Promise<PageState> {
  return page.evaluate(() => (window as unknown as PageWindow).ssekit.state);
}

/**
 * Wait, inside the page, until `predicate(state, arg)` holds; fail after `timeoutMs` with the page's
 * state in the message. `predicate` runs in the browser: it may use only its two parameters.
 */
export async function waitForPage<TArg>(
  page: Page,
  message: string,
  predicate: (state: PageState, arg: TArg) => boolean,
  arg: TArg,
  timeoutMs = 10_000,
): Promise<void> {
  const expression = `(${predicate.toString()})(window.ssekit.state, ${JSON.stringify(arg)})`;
  try {
    await page.waitForFunction(expression, undefined, { timeout: timeoutMs, polling: 10 });
  } catch (cause) {
    const state = await readState(page).catch((error: unknown) => String(error));
    const text = JSON.stringify(state);
    throw new Error(
      `Timed out after ${timeoutMs} ms waiting for ${message}; page state: ${
        text.length > 4_000 ? `${text.slice(0, 4_000)}…` : text
      }`,
      { cause },
    );
  }
}
