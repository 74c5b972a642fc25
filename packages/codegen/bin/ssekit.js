#!/usr/bin/env node
// The `ssekit` command. A committed file rather than dist/cli.js, so that pnpm links the bin in a
// fresh workspace install, before the package is built.
import '../dist/cli.js';
