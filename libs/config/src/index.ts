// @dgr/config: the service's configuration (the only reader of process.env), one parser per section on shared
// helpers, and the key material resolved from it that both the server and the dgr command use.
export * from './config';
export * from './config-error';
export * from './store.config';
export * from './tokens.config';
export * from './web.config';
export * from './mail.config';
export * from './audit.config';
export * from './sie.config';
export * from './token-keys';
export * from './tokens';
export * from './audit-key';
export * from './public.config';
export * from './operations.config';
