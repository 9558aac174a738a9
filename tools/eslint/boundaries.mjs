// The architecture's import boundaries as one lint rule (docs/architecture.md):
// - a relative import never leaves its own library or app (libs/<name>, apps/<name>);
// - another library is imported by name, only through its index: '@dgr/<name>' (and, from tests and
//   testing helpers, '@dgr/<name>/testing'), never '@dgr/<name>/src/…' or a path into its folders;
// - an app never imports another app.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const unitOf = (file) => {
  const m = path.relative(ROOT, file).split(path.sep).join('/').match(/^(libs|apps)\/([^/]+)\//);
  return m ? `${m[1]}/${m[2]}` : null;
};
const isTestFile = (file) => /\.(spec|e2e-spec)\.ts$|\.contract\.ts$|\/testing\/|^test\/|^bench\//.test(path.relative(ROOT, file).split(path.sep).join('/'));

const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'Keep imports inside the monorepo boundaries: libraries by @dgr/<name>, apps never import apps.' },
    schema: [],
    messages: {
      leaves: "'{{spec}}' leaves {{unit}}: import another library by name ('@dgr/<name>'), never by a relative path.",
      intoApp: "'{{spec}}' reaches into {{target}}: an app never imports another app; what both need belongs in a library.",
      internal: "'{{spec}}' reaches into a library's internals: import '@dgr/{{lib}}' (its index) instead.",
      testingOnly: "'{{spec}}' is for tests and testing helpers only.",
    },
  },
  create(context) {
    const file = context.filename;
    const unit = unitOf(file);
    const check = (node, spec) => {
      if (typeof spec !== 'string') return;
      if (spec.startsWith('.')) {
        const target = path.resolve(path.dirname(file), spec);
        const targetUnit = unitOf(target + path.sep) ?? unitOf(target);
        if (unit && targetUnit !== unit) {
          context.report({ node, messageId: targetUnit?.startsWith('apps/') ? 'intoApp' : 'leaves', data: { spec, unit, target: targetUnit } });
        } else if (!unit && targetUnit?.startsWith('libs/')) {
          context.report({ node, messageId: 'internal', data: { spec, lib: targetUnit.slice(5) } });
        }
        return;
      }
      const m = spec.match(/^@dgr\/([^/]+)(\/.*)?$/);
      if (!m || !m[2]) return;
      if (m[2] === '/testing') {
        if (!isTestFile(file)) context.report({ node, messageId: 'testingOnly', data: { spec } });
        return;
      }
      context.report({ node, messageId: 'internal', data: { spec, lib: m[1] } });
    };
    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node.source, node.source.value),
      CallExpression: (node) => {
        const callee = node.callee;
        const isRequire = callee.type === 'Identifier' && callee.name === 'require';
        const isJestMock = callee.type === 'MemberExpression' && callee.object.name === 'jest' && ['mock', 'requireActual'].includes(callee.property.name);
        if ((isRequire || isJestMock) && node.arguments[0]?.type === 'Literal') check(node.arguments[0], node.arguments[0].value);
      },
    };
  },
};

export default { rules: { imports: rule } };
