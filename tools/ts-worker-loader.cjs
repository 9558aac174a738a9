// A transpile-only require hook for a worker thread started from the TypeScript sources under jest (ts-jest
// runs the sources; a worker thread is a fresh loader that knows no TypeScript). It compiles each .ts file with
// tsconfig.json's options as ts-jest does (isolatedModules: one file at a time, no type check), keeps the output
// in node_modules/.cache/dgr-ts-worker (keyed by the source, the options and the compiler's version), and
// resolves the libraries' names (@dgr/<name>, tsconfig.json's paths). The built server (dist/) never loads it.
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');

const ROOT = path.resolve(__dirname, '..');
const TSCONFIG = fs.readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8');
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'dgr-ts-worker');
const TS_VERSION = require('typescript/package.json').version;

let compilerOptions = null;
const compile = (source, filename) => {
  const ts = require('typescript');
  if (compilerOptions === null) {
    const { config } = ts.parseConfigFileTextToJson('tsconfig.json', TSCONFIG);
    const { options } = ts.convertCompilerOptionsFromJson(config.compilerOptions, ROOT);
    compilerOptions = { ...options, sourceMap: false, inlineSourceMap: true, inlineSources: true, declaration: false, noEmit: false };
  }
  return ts.transpileModule(source, { compilerOptions, fileName: filename }).outputText;
};

require.extensions['.ts'] = (module, filename) => {
  const source = fs.readFileSync(filename, 'utf8');
  const key = crypto.createHash('sha256').update(`${TS_VERSION}\0${TSCONFIG}\0${filename}\0${source}`).digest('hex');
  const cached = path.join(CACHE, `${key}.js`);
  let output;
  try {
    output = fs.readFileSync(cached, 'utf8');
  } catch {
    output = compile(source, filename);
    try {
      fs.mkdirSync(CACHE, { recursive: true });
      const temp = `${cached}.${process.pid}.${crypto.randomUUID()}`;
      fs.writeFileSync(temp, output);
      fs.renameSync(temp, cached);
    } catch {
      // A cache that cannot be written only makes the next start slower.
    }
  }
  module._compile(output, filename);
};

const { paths } = JSON.parse(TSCONFIG).compilerOptions;
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const target = Object.prototype.hasOwnProperty.call(paths, request) ? path.join(ROOT, paths[request][0]) : request;
  return resolveFilename.call(this, target, ...rest);
};
