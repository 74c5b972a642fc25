// HTTP/2 lifts the browser's six-connections-per-origin limit of HTTP/1.1: 20 tabs of one origin
// each hold a live subscription over one HTTP/2 connection (`node:http2`, TLS with a self-signed
// certificate made for the test, `allowHTTP1`), served by `sse.router` on the compatibility API.
// The contrast on HTTP/1.1: with six streams open, the seventh tab's stream waits for a socket.
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import http2, { type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineContract } from '@ssekit/core';
import { launchChromium, quietPeriod, waitFor } from '@ssekit/test-kit';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createSseServer } from '../../src/index.js';

type Browser = Awaited<ReturnType<typeof launchChromium>>;
type Page = Awaited<ReturnType<Awaited<ReturnType<Browser['newContext']>>['newPage']>>;

const contract = defineContract({ events: { note: z.object({ text: z.string() }) } });

/** A key and a self-signed certificate for 127.0.0.1, made with openssl for this run. */
function selfSignedCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ssekit-cert-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'pipe' },
    );
    return {
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    };
  } catch (error) {
    throw new Error(
      `openssl could not make a test certificate (${String(error)}): install it with \`apt-get install -y openssl\``,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// The page each tab loads: it records what its subscription receives.
const PAGE = `<!doctype html><meta charset="utf-8"><title>tab</title><script>
window.received = []; window.opened = false;
window.subscribe = () => {
  const source = new EventSource('/sse?events=note');
  source.onopen = () => { window.opened = true; };
  source.addEventListener('note', (e) => window.received.push(JSON.parse(e.data).text));
};
</script>`;

type NodeReq = IncomingMessage | Http2ServerRequest;
type NodeRes = ServerResponse | Http2ServerResponse;

function app(sse: ReturnType<typeof createSseServer<typeof contract>>) {
  return (req: NodeReq, res: NodeRes) => {
    if (req.url === '/page') {
      (res as ServerResponse).writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(PAGE);
      return;
    }
    // Mounted at /sse, as express's app.use would: the router sees the path below it.
    if (req.url?.startsWith('/sse')) {
      const mounted = req as NodeReq & { baseUrl?: string };
      mounted.url = req.url.slice('/sse'.length) || '/';
      mounted.baseUrl = '/sse';
      sse.router(mounted, res);
      return;
    }
    (res as ServerResponse).writeHead(404).end();
  };
}

async function openTabs(origin: string, count: number, ignoreHTTPSErrors: boolean) {
  const browser = await launchChromium();
  const context = await browser.newContext({ ignoreHTTPSErrors });
  const pages: Page[] = [];
  // Every page loads first, so that page loads never wait behind streams for a socket.
  for (let i = 0; i < count; i++) {
    const page = await context.newPage();
    await page.goto(`${origin}/page`);
    pages.push(page);
  }
  return {
    pages,
    received: (page: Page) =>
      page.evaluate(() => (window as unknown as { received: string[] }).received),
    opened: (page: Page) => page.evaluate(() => (window as unknown as { opened: boolean }).opened),
    async [Symbol.asyncDispose]() {
      await browser.close();
    },
  };
}

describe('HTTP/2 and the six-connection limit', () => {
  it('20 tabs of one origin are all live at once over HTTP/2', async () => {
    const sse = createSseServer(contract, { heartbeatMs: null });
    const server = http2.createSecureServer(
      { ...selfSignedCertificate(), allowHTTP1: true },
      app(sse),
    );
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await using tabs = await openTabs(origin, 20, true);
      const protocol = await tabs.pages[0]!.evaluate(
        () =>
          (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming)
            .nextHopProtocol,
      );
      expect(protocol).toBe('h2');
      for (const page of tabs.pages)
        await page.evaluate(() => (window as unknown as { subscribe(): void }).subscribe());
      await waitFor(() => sse.stats().connections === 20, 'twenty streams open', 20_000);
      sse.publish('note', { text: 'to every tab' });
      for (const page of tabs.pages) {
        await waitFor(
          async () => (await tabs.received(page)).length === 1,
          'each tab to receive it',
        );
        expect(await tabs.received(page)).toEqual(['to every tab']);
      }
    } finally {
      await sse.close({ graceMs: 100 });
      server.close();
    }
  }, 90_000);

  it('over HTTP/1.1 the seventh tab stalls while six streams are open', async () => {
    const sse = createSseServer(contract, { heartbeatMs: null });
    const server = http.createServer(app(sse));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await using tabs = await openTabs(origin, 7, false);
      for (const page of tabs.pages)
        await page.evaluate(() => (window as unknown as { subscribe(): void }).subscribe());
      await waitFor(() => sse.stats().connections === 6, 'six streams open');
      sse.publish('note', { text: 'first' });
      const seventh = tabs.pages[6]!;
      for (const page of tabs.pages.slice(0, 6)) {
        await waitFor(
          async () => (await tabs.received(page)).length === 1,
          'the six to receive it',
        );
      }
      await quietPeriod(500);
      expect(sse.stats().connections).toBe(6);
      expect(await tabs.opened(seventh)).toBe(false);
      expect(await tabs.received(seventh)).toEqual([]);
      // One tab closes: its socket goes to the waiting stream, which then opens.
      await tabs.pages[0]!.close();
      await waitFor(
        async () => tabs.opened(seventh),
        'the seventh stream to open once a socket is free',
      );
    } finally {
      await sse.close({ graceMs: 100 });
      server.closeAllConnections();
      server.close();
    }
  }, 90_000);
});
