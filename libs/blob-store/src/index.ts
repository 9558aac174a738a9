export * from './blob-store.port';
export * from './file-blob-store';
export * from './in-memory-blob-store';
export * from './sha256';
