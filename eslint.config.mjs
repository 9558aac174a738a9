// Lint: typescript-eslint's recommended rules, plus the architecture's boundaries as rules.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'dist-bench/**', 'node_modules/**', 'coverage/**', 'data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', require: 'readonly', __dirname: 'readonly', module: 'writable', console: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    // The domain is pure TypeScript: no framework, no database, no clock, no randomness.
    files: ['libs/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@nestjs/*', 'better-sqlite3', '@eventstore/*', 'class-validator', 'class-transformer', 'express'], message: 'libs/domain is pure: no frameworks or database clients.' },
            { group: ['**/application/**', '**/event-store/**', '**/apps/**', 'node:*', 'fs', 'crypto'], message: 'libs/domain depends on nothing outside itself.' },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'The time comes in the command (metadata.now).' },
        { object: 'Math', property: 'random', message: 'Ids and randomness come from outside the domain.' },
      ],
      'no-restricted-globals': ['error', { name: 'process', message: 'The domain reads no environment.' }],
    },
  },
  {
    // Only the config module reads the environment.
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    ignores: ['apps/api/src/config.ts', 'libs/domain/**'],
    rules: {
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration through apps/api/src/config.ts.' }],
    },
  },
  {
    // The event store knows nothing of the domain or of Nest; only eventstoredb-client.ts imports the EventStoreDB
    // client library, so that moving to its successor changes that one file (ADR 0008).
    files: ['libs/event-store/**/*.ts'],
    ignores: ['libs/event-store/src/eventstoredb-client.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@nestjs/*', '**/domain/**', '**/application/**', '**/apps/**'], message: 'libs/event-store is a port and its adapters only.' },
            { group: ['@eventstore/*', '@kurrent/*'], message: 'Import the EventStoreDB client through ./eventstoredb-client (ADR 0008).' },
          ],
        },
      ],
    },
  },
  {
    files: ['apps/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@eventstore/*', '@kurrent/*'], message: 'Only libs/event-store/src/eventstoredb-client.ts imports the EventStoreDB client (ADR 0008).' }] }],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts', '**/*.contract.ts', '**/testing/**'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The web pages' script runs in the browser as it is (no build step).
    files: ['web/**/*.js'],
    languageOptions: { sourceType: 'script', globals: { window: 'readonly', document: 'readonly', fetch: 'readonly' } },
  },
  {
    files: ['bin/**/*.js', '*.js', '*.mjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
