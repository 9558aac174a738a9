/** The metadata keys of the access decorators (access.decorators.ts), apart so that the interceptor they name can read them. */
export const PUBLIC = 'dgr:public';
export const WRITES = 'dgr:writes';
