export * from './checkpoint';
export * from './leaf';
export * from './log-checker';
export * from './log-verifier';
export * from './merkle';
