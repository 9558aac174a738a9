#!/usr/bin/env node
// The `dgr` command (npx dgr …). Runs the compiled CLI; `npm ci` and `npm start` build it.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const cli = join(__dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js');
if (!existsSync(cli)) {
  process.stderr.write('dgr: the project is not built yet; run `npm run build` (npm ci does it too).\n');
  process.exit(1);
}
require(cli);
