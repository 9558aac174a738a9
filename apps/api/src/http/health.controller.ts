import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ProjectionRunner } from '../../../../libs/application/src';

@ApiTags('health')
@Controller('api/health')
export class HealthController {
  constructor(private readonly projections: ProjectionRunner) {}

  @Get()
  health() {
    return { status: 'ok', position: this.projections.caughtUpTo };
  }
}
