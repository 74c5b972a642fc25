// The adapter suite on Bun and Deno: the fixture runs as a program under each runtime's own binary
// (the `bun` and `deno` devDependencies), in a child process; the test drives it over loopback. A
// runtime that cannot run fails with how to install it: never a skip.
import { adapterSuite } from './suite.js';
import { startRuntime } from './targets.js';

adapterSuite('Bun (Bun.serve({ fetch: sse.fetch }))', () => startRuntime('bun'));
adapterSuite('Deno (Deno.serve(sse.fetch))', () => startRuntime('deno'));
