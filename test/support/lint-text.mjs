// Lints source texts as if they were files at the given paths, with the project's own eslint.config.mjs.
// stdin: [{ "filePath": "libs/domain/src/x.ts", "code": "…" }, …]; stdout: for each, its rule ids and messages.
import { ESLint } from 'eslint';

const cases = JSON.parse(await new Promise((resolve) => {
  let text = '';
  process.stdin.on('data', (chunk) => (text += chunk)).on('end', () => resolve(text));
}));
const eslint = new ESLint({ cwd: process.cwd() });
const results = [];
for (const c of cases) {
  const [result] = await eslint.lintText(c.code, { filePath: c.filePath });
  results.push(result.messages.map((m) => ({ ruleId: m.ruleId, message: m.message })));
}
process.stdout.write(JSON.stringify(results));
