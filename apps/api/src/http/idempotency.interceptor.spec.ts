import 'reflect-metadata';
import { INTERCEPTORS_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { AppModule, type AppModuleOptions } from '../app.module';
import { WRITES } from '../auth/access.decorators';
import { IdempotencyInterceptor, Retry } from './idempotency.interceptor';

/*
 * Idempotency-Key is honoured exactly on the routes that declare a write action (@Writes). Each of them
 * must hand the request's RetryKey to its command (@Retry()): one that forgot would take the key, record
 * the answer, and still write its events with fresh ids and no claim — a retry after a crash would write
 * them twice. This reads the routes' metadata, so a new write route without @Retry() fails here.
 */

/** The metadata key under which @Retry() records itself on a route's parameters (without `:index`). */
const retryArgKey = (): string => {
  class Probe {
    route(@Retry() _retryKey?: unknown): void {}
  }
  const keys = Object.keys(Reflect.getMetadata(ROUTE_ARGS_METADATA, Probe, 'route') as object);
  expect(keys).toHaveLength(1);
  return keys[0]!.replace(/:\d+$/, '');
};

type Controller = { prototype: Record<string, unknown>; name: string };

const writeRoutes = (): Array<[string, Controller, string]> => {
  const controllers = (AppModule.forRoot({} as AppModuleOptions).controllers ?? []) as unknown as Controller[];
  return controllers.flatMap((controller) =>
    Object.getOwnPropertyNames(controller.prototype)
      // The descriptor's value, not the property: reading a getter on a prototype would run it without an instance.
      .filter((name) => name !== 'constructor' && typeof Object.getOwnPropertyDescriptor(controller.prototype, name)?.value === 'function')
      .filter((name) => Reflect.getMetadata(WRITES, controller.prototype[name] as object) !== undefined)
      .map((name): [string, Controller, string] => [`${controller.name}.${name}`, controller, name]),
  );
};

describe('every write route hands its retry key to its command', () => {
  const routes = writeRoutes();

  it('finds the write routes (the money and initiative commands)', () => {
    expect(routes.length).toBeGreaterThanOrEqual(14);
  });

  it.each(routes)('%s takes @Retry()', (_name, controller, method) => {
    const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) ?? {}) as object;
    expect(Object.keys(args).map((k) => k.replace(/:\d+$/, ''))).toContain(retryArgKey());
  });
});

describe('the IdempotencyInterceptor is bound to the write routes, and to nothing else', () => {
  it.each(writeRoutes())('%s has it', (_name, controller, method) => {
    expect(Reflect.getMetadata(INTERCEPTORS_METADATA, controller.prototype[method] as object)).toContain(IdempotencyInterceptor);
  });

  it('no route without @Writes, no controller and no global provider has it (a read passes through no interceptor)', () => {
    const options = AppModule.forRoot({} as AppModuleOptions);
    const controllers = (options.controllers ?? []) as unknown as Controller[];
    const reads = controllers.flatMap((controller) =>
      Object.getOwnPropertyNames(controller.prototype)
        .filter((name) => name !== 'constructor' && typeof Object.getOwnPropertyDescriptor(controller.prototype, name)?.value === 'function')
        .filter((name) => Reflect.getMetadata(WRITES, controller.prototype[name] as object) === undefined)
        .map((name) => controller.prototype[name] as object),
    );
    expect(reads.length).toBeGreaterThan(20);
    for (const handler of reads) expect(Reflect.getMetadata(INTERCEPTORS_METADATA, handler) ?? []).toEqual([]);
    for (const controller of controllers) expect(Reflect.getMetadata(INTERCEPTORS_METADATA, controller) ?? []).toEqual([]);
    expect((options.providers ?? []).filter((p) => typeof p === 'object' && 'provide' in p && p.provide === 'APP_INTERCEPTOR')).toEqual([]);
  });
});
