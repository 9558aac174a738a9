import { Module, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { DgrApplicationModule, type Clock } from '../../../libs/application/src';
import type { EventStore } from '../../../libs/event-store/src';
import { FundController } from './fund/fund.controller';
import { HealthController } from './http/health.controller';
import { ProblemDetailsFilter } from './http/problem-details.filter';
import { requestIdMiddleware } from './http/request-context';
import { validationPipe } from './http/validation';
import { InitiativesController } from './initiatives/initiatives.controller';
import { PartiesController } from './parties/parties.controller';

@Module({})
export class AppModule implements NestModule {
  static forRoot(store: EventStore, clock?: Clock): DynamicModule {
    return {
      module: AppModule,
      imports: [DgrApplicationModule.register({ store: () => store, clock })],
      controllers: [PartiesController, InitiativesController, FundController, HealthController],
      providers: [
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_PIPE, useValue: validationPipe },
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(requestIdMiddleware).forRoutes('*');
  }
}
