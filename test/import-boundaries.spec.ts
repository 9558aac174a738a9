import { execFileSync } from 'node:child_process';
import path from 'node:path';

/**
 * The monorepo's import boundaries are enforced by lint (eslint.config.mjs, tools/eslint/boundaries.mjs):
 * each case is linted as if it were a file at that path, with the project's own configuration.
 */
const ROOT = path.join(__dirname, '..');
const lint = (cases: { filePath: string; code: string }[]): { ruleId: string | null; message: string }[][] =>
  JSON.parse(
    execFileSync(process.execPath, [path.join(__dirname, 'support', 'lint-text.mjs')], {
      cwd: ROOT,
      input: JSON.stringify(cases.map((c) => ({ ...c, filePath: path.join(ROOT, c.filePath) }))),
      encoding: 'utf8',
    }),
  );

const cases = [
  { name: 'a library reached by a relative path', filePath: 'apps/api/src/x.ts', code: "import { x } from '../../../libs/domain/src';\nexport const y = x;\n", rule: 'dgr/imports', bad: true },
  { name: "a library's internals by name", filePath: 'apps/api/src/x.ts', code: "import { x } from '@dgr/domain/src/money';\nexport const y = x;\n", rule: 'dgr/imports', bad: true },
  { name: 'a relative import leaving its library', filePath: 'libs/application/src/x.ts', code: "import { x } from '../../domain/src/money';\nexport const y = x;\n", rule: 'dgr/imports', bad: true },
  { name: 'the CLI importing the API', filePath: 'apps/cli/src/x.ts', code: "import { x } from '../../api/src/create-app';\nexport const y = x;\n", rule: 'dgr/imports', bad: true },
  { name: 'testing helpers outside tests', filePath: 'libs/application/src/x.ts', code: "import { x } from '@dgr/domain/testing';\nexport const y = x;\n", rule: 'dgr/imports', bad: true },
  { name: 'the domain importing another library', filePath: 'libs/domain/src/x.ts', code: "import { x } from '@dgr/event-store';\nexport const y = x;\n", rule: 'no-restricted-imports', bad: true },
  { name: 'the event store importing the domain', filePath: 'libs/event-store/src/x.ts', code: "import { x } from '@dgr/domain';\nexport const y = x;\n", rule: 'no-restricted-imports', bad: true },
  { name: 'the audit library importing Nest', filePath: 'libs/audit/src/x.ts', code: "import { Injectable } from '@nestjs/common';\nexport const y = Injectable;\n", rule: 'no-restricted-imports', bad: true },
  { name: 'the application layer importing a database client', filePath: 'libs/application/src/x.ts', code: "import Database from 'better-sqlite3';\nexport const y = Database;\n", rule: 'no-restricted-imports', bad: true },
  { name: 'the config library importing Nest', filePath: 'libs/config/src/x.ts', code: "import { Injectable } from '@nestjs/common';\nexport const y = Injectable;\n", rule: 'no-restricted-imports', bad: true },
  { name: 'the CLI reading process.env itself', filePath: 'apps/cli/src/x.ts', code: "export const y = process.env.DGR_SQLITE_FILE;\n", rule: 'no-restricted-properties', bad: true },
  { name: "a config section's parser reading process.env (only loadConfig takes it)", filePath: 'libs/config/src/x.config.ts', code: "export const y = process.env.PORT;\n", rule: 'no-restricted-properties', bad: true },
  { name: 'loadConfig reading process.env', filePath: 'libs/config/src/config.ts', code: "export const y = process.env.PORT;\n", rule: 'no-restricted-properties', bad: false },
  { name: 'the CLI using the config library by name', filePath: 'apps/cli/src/x.ts', code: "import { loadConfig } from '@dgr/config';\nexport const y = loadConfig;\n", rule: 'dgr/imports', bad: false },
  { name: 'a library by name, through its index', filePath: 'apps/api/src/x.ts', code: "import { x } from '@dgr/domain';\nexport const y = x;\n", rule: 'dgr/imports', bad: false },
  { name: 'a relative import inside its own library', filePath: 'libs/domain/src/initiative/x.ts', code: "import { x } from '../money';\nexport const y = x;\n", rule: 'dgr/imports', bad: false },
  { name: 'testing helpers in a spec', filePath: 'libs/application/src/x.spec.ts', code: "import { x } from '@dgr/domain/testing';\nexport const y = x;\n", rule: 'dgr/imports', bad: false },
];

describe('lint keeps the import boundaries', () => {
  const results = lint(cases);
  it.each(cases.map((c, i) => [c.name, c, results[i]] as const))('%s', (_name, c, messages) => {
    const hits = messages.filter((m) => m.ruleId === c.rule);
    if (c.bad) expect(hits.length).toBeGreaterThan(0);
    else expect(hits).toEqual([]);
  });
});
