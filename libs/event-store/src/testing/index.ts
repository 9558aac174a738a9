export * from './fake-eventstoredb-client';
