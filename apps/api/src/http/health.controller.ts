import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ProjectionRunner } from '@dgr/application';
import { Public } from '../auth/access.decorators';

@ApiTags('health')
@Controller('api/health')
export class HealthController {
  constructor(private readonly projections: ProjectionRunner) {}

  @Get()
  @Public()
  health() {
    return { status: 'ok', position: this.projections.caughtUpTo };
  }
}
