#!/usr/bin/env node
// Runs a TypeScript entry point with SWC (decorator metadata on, tsconfig paths resolved),
// so `npm start`, the CLI and the benches need no build step.
'use strict';
const path = require('node:path');
process.env.SWC_NODE_PROJECT = process.env.SWC_NODE_PROJECT || path.join(__dirname, '..', 'tsconfig.json');
process.env.NODE_BACKEND = process.env.NODE_BACKEND || 'js';
require('@swc-node/register');
const entry = process.argv[2];
if (!entry) {
  console.error('usage: node tools/run.js <entry.ts> [args...]');
  process.exit(2);
}
process.argv.splice(1, 1);
require(path.resolve(entry));
