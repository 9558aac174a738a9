// Lint: typescript-eslint's recommended rules, plus the architecture's boundaries as rules.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import boundaries from './tools/eslint/boundaries.mjs';

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
    // Libraries by name through their index; no relative import leaves its library or app; apps never import apps.
    files: ['apps/**/*.ts', 'libs/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    plugins: { dgr: boundaries },
    rules: { 'dgr/imports': 'error' },
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
            { group: ['@dgr/*', 'node:*', 'fs', 'crypto'], message: 'libs/domain depends on nothing outside itself.' },
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
    // Only the config library reads the environment (and only its entry point, loadConfig, takes process.env).
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    ignores: ['libs/config/src/config.ts', 'libs/domain/**'],
    rules: {
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration through @dgr/config (loadConfig).' }],
    },
  },
  {
    // The config library: parsers of the environment and the key material it names; no HTTP, no store, no app.
    files: ['libs/config/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@nestjs/*', 'express', 'better-sqlite3', '@eventstore/*', '@kurrent/*', '@dgr/event-store'], message: 'libs/config parses configuration and resolves keys; it knows no framework, HTTP or store.' },
          ],
        },
      ],
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
            { group: ['@nestjs/*', '@dgr/*'], message: 'libs/event-store is a port and its adapters only.' },
            { group: ['@eventstore/*', '@kurrent/*'], message: 'Import the EventStoreDB client through ./eventstoredb-client (ADR 0008).' },
          ],
        },
      ],
    },
  },
  {
    // The application layer: Nest's CQRS over the store's port; no HTTP, no database client, no app.
    files: ['libs/application/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@nestjs/platform-*', 'express', 'better-sqlite3', '@eventstore/*', '@kurrent/*'], message: 'libs/application talks to the store through its port (@dgr/event-store), and knows no HTTP.' },
          ],
        },
      ],
    },
  },
  {
    // The read models' own SQLite file (DGR_READ_MODEL_FILE), not the log: only its store modules open it.
    files: ['libs/application/src/projections/audit-log.store.ts', 'libs/application/src/projections/audit-log.store.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@nestjs/platform-*', 'express', '@eventstore/*', '@kurrent/*'], message: 'libs/application talks to the store through its port (@dgr/event-store), and knows no HTTP.' },
          ],
        },
      ],
    },
  },
  {
    // The read-model file (ADR 0018): SQLite and its checkpoints only; what the rows mean is libs/application's.
    files: ['libs/read-model-store/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@nestjs/*', '@dgr/*', '@eventstore/*', '@kurrent/*', 'express'], message: 'libs/read-model-store keeps the read-model file; it knows no framework, domain or log.' },
          ],
        },
      ],
    },
  },
  {
    // The audit library is pure: hashes, the Merkle tree, checkpoints; no framework, no store, no domain.
    files: ['libs/audit/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@nestjs/*', 'better-sqlite3', '@eventstore/*', '@kurrent/*', 'express', '@dgr/domain', '@dgr/application'], message: 'libs/audit is pure: it may use @dgr/event-store\'s canonical JSON, nothing of the framework, the store or the domain.' },
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
    files: ['bin/**/*.js', '*.js', '*.mjs', 'tools/**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
