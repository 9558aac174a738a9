export * from './csv';
export * from './jsonl';
export * from './sie';
