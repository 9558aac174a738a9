export * from './fixtures';
export * from './given-when-then';
export * from './legal-fixtures';
