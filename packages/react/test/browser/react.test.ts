// @ssekit/react in real Chromium: React 19 in StrictMode over one client, served by a real ssekit
// express server; components mount and unmount while events flow, and the rendered lists are checked.
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { launchChromium } from '../../../client/test/browser/harness.js';
import { startTestServer } from '../../../server/test/utils.js';
import { type ChildSpec, contract, type ReactPageState, type ReactPageWindow } from './contract.js';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

async function bundleReactPage(): Promise<string> {
  const result = await build({
    entryPoints: [here('./page.ts')],
    absWorkingDir: here('../../../..'),
    tsconfig: here('../../../../tsconfig.json'),
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
    // Development React: StrictMode double-invokes renders and effects only there.
    define: { 'process.env.NODE_ENV': '"development"' },
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.text;
  if (code === undefined) throw new Error('esbuild wrote no output');
  return code;
}

const readState = (page: Page) =>
  page.evaluate(() => (window as unknown as ReactPageWindow).ssekitReact.state);

async function waitForState(
  page: Page,
  message: string,
  predicate: (state: ReactPageState) => boolean,
): Promise<ReactPageState> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const state = await readState(page);
    if (predicate(state)) return state;
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out waiting for ${message}; page state: ${JSON.stringify(state).slice(0, 3000)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('@ssekit/react in Chromium (React 19, StrictMode)', { timeout: 90_000 }, () => {
  it('mounts and unmounts subscriptions while events flow: no lost, no duplicate, one connection', async () => {
    const code = await bundleReactPage();
    let streamCalls = 0;
    let sseRequests = 0;
    await using server = await startTestServer(
      contract,
      {
        streams: {
          count: async function* ({ input }) {
            streamCalls++;
            for (let n = input.from; n <= input.to; n++) yield { event: 'n', data: { n } };
          },
        },
      },
      (app) => {
        app.use('/sse', (req, _res, next) => {
          if (req.path === '/') sseRequests++;
          next();
        });
        app.get('/', (_req, res) => {
          res
            .type('html')
            .send('<!doctype html><meta charset="utf-8"><body><script src="/page.js"></script>');
        });
        app.get('/page.js', (_req, res) => {
          res.type('text/javascript').send(code);
        });
        app.get('/favicon.ico', (_req, res) => {
          res.status(204).end();
        });
      },
    );
    await using chromium = await launchChromium();
    const context = await chromium.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.origin}/`);
    await waitForState(page, 'the connection to open', (s) => s.status === 'open');

    let maxConnections = 0;
    const sampler = setInterval(() => {
      maxConnections = Math.max(maxConnections, server.sse.stats().connections);
    }, 2);

    const topics = ['AAPL', 'MSFT', 'NVDA'];
    const priceSeq: Record<string, number> = { AAPL: 0, MSFT: 0, NVDA: 0 };
    let tick = 0;
    let nextChild = 0;
    let children: ChildSpec[] = [];
    const publishSome = () => {
      for (let i = 0; i < 5; i++) {
        server.sse.publish('tick', { seq: ++tick });
        const symbol = topics[tick % topics.length] as string;
        priceSeq[symbol] = (priceSeq[symbol] ?? 0) + 1;
        server.sse.publish('price', { symbol, seq: priceSeq[symbol] }, { topic: symbol });
      }
    };
    for (let round = 0; round < 40; round++) {
      publishSome();
      // Deterministic churn: drop the oldest child every other round, add one with a rotating topic.
      if (round % 2 === 1 && children.length > 0) children = children.slice(1);
      if (round % 3 !== 2) {
        children = [...children, { id: `c${nextChild}`, topic: topics[nextChild % 3] as string }];
        nextChild++;
      }
      await page.evaluate(
        (list) => (window as unknown as ReactPageWindow).ssekitReact.setChildren(list),
        children,
      );
      publishSome();
      if (round % 5 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    const final = await waitForState(
      page,
      'every tick rendered',
      (s) => s.latestTick === tick && s.subscribed.length >= tick && s.stream.done,
    );
    clearInterval(sampler);

    // The rendered list, read from the DOM: every tick once, in order.
    const rendered = await page.$$eval('#ticks li', (items) =>
      items.map((li) => Number(li.textContent)),
    );
    expect(rendered).toEqual(range(1, tick));
    expect(final.subscribed).toEqual(range(1, tick));
    // Each child instance rendered a contiguous run of its topic's prices: no gap, no duplicate.
    const ids = Object.keys(final.children);
    expect(ids.length).toBeGreaterThan(10);
    for (const id of ids) {
      const { seqs } = final.children[id] as { seqs: number[] };
      if (seqs.length === 0) continue;
      expect(seqs, `child ${id}`).toEqual(
        range(seqs[0] as number, (seqs[0] as number) + seqs.length - 1),
      );
    }
    // The children still mounted received up to their topic's last price.
    for (const child of children) {
      const seqs = final.children[child.id]?.seqs ?? [];
      if (seqs.length > 0) expect(seqs.at(-1), `child ${child.id}`).toBe(priceSeq[child.topic]);
    }
    expect(final.stream).toEqual({ ns: range(1, 50), status: 'closed', done: true, error: null });
    expect(streamCalls, 'one RPC stream despite an inline input and StrictMode').toBe(1);
    expect(server.sse.stats().connections, 'one SSE connection for the whole tree').toBe(1);
    expect(final.pageErrors).toEqual([]);
    // Reported for the record: how many broadcast requests the filter changes cost, and the peak.
    console.info(`react test: ${sseRequests} SSE requests, peak ${maxConnections} connections`);
    // The peak is a figure, not a property: on a filter change the client opens the new connection
    // before the old one's close reaches the server, so two or three overlap for a moment. The
    // property, one connection for the whole tree, is asserted on the steady state above.
    await context.close();
  });
});
