export * from './read-model-db';
export * from './read-model-lock';
