/**
 * The yardstick of target 1: a bare Nest POST endpoint. Same framework, platform (Express) and
 * JSON body parser (with the same limit) as the real app, the same path and body, and a small JSON
 * answer with 201 — but no validation pipe, no middleware, no exception filter, no CQRS and no store.
 */
import 'reflect-metadata';
import { Body, Controller, Module, Param, Post, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';

@Controller('api/initiatives')
class BareDecisionsController {
  @Post(':id/decisions')
  register(@Param('id') id: string, @Body() body: { party?: unknown }) {
    return { stream: `initiative-${id}`, revision: typeof body.party === 'string' ? 1 : 0, position: 1 };
  }
}

@Module({ controllers: [BareDecisionsController] })
class BareModule {}

export const createBareApp = async (): Promise<INestApplication> => {
  const app = await NestFactory.create<NestExpressApplication>(BareModule, { logger: false, bodyParser: false });
  app.useBodyParser('json', { limit: '256kb' });
  return app;
};
