import { Controller, Get, Headers, NotFoundException, Param } from '@nestjs/common';

/**
 * A small API of the demo host, so that the API request counter has something of the host's to count:
 * `curl localhost:3000/api/demo/projects/7 -H 'x-tenant-id: acme'`, then compute today and read api_requests_total.
 */
@Controller('api/demo')
export class DemoApiController {
  @Get('projects/:id')
  project(@Param('id') id: string, @Headers('x-tenant-id') tenant?: string) {
    if (!/^\d{1,9}$/.test(id)) throw new NotFoundException(`no project ${id}`);
    return { id: Number(id), tenant: tenant ?? null };
  }
}
