import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { PARTIES } from '@dgr/domain';

@ApiTags('parties')
@Controller('api/parties')
export class PartiesController {
  @Get()
  @ApiOkResponse({ description: 'The 17 parties of Värmlandsrådet, with their SCB codes as ids.' })
  list() {
    return PARTIES;
  }
}
