#!/usr/bin/env node
// The bin of @ssekit/codegen, built as dist/cli.js: `ssekit generate …`. Ctrl-C ends --watch cleanly.
import { createRequire } from 'node:module';
import { runCli } from './run.js';

const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
process.once('SIGTERM', () => controller.abort());

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  signal: controller.signal,
  version,
}).then((status) => {
  process.exitCode = status;
});
