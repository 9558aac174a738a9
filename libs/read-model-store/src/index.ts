export * from './read-model-db';
