/** One jest run for every test: unit specs beside the code, store contract suites, end-to-end tests in test/. */
module.exports = {
  testEnvironment: 'node',
  rootDir: '.',
  roots: ['<rootDir>/libs', '<rootDir>/apps', '<rootDir>/test'],
  testRegex: '.*\\.(spec|e2e-spec)\\.ts$',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
    // openid-client and its two dependencies ship only ES modules; Node 20.19+ require()s them natively,
    // jest's own module loader does not, so they are compiled to CommonJS for the tests.
    '^.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true, isolatedModules: true, module: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(openid-client|oauth4webapi|jose)/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  // The libraries by name, as tsconfig.json's paths have them (the build rewrites them to relative paths).
  moduleNameMapper: {
    '^@dgr/([a-z-]+)/testing$': '<rootDir>/libs/$1/src/testing',
    '^@dgr/([a-z-]+)$': '<rootDir>/libs/$1/src',
  },
  testTimeout: 30000,
  reporters: ['default', '<rootDir>/test/support/skipped-reporter.js'],
};
