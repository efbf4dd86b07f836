import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { HealthRegistry } from './health.registry';

@Controller('health')
export class HealthController {
  constructor(private readonly registry: HealthRegistry) {}

  /** Readiness: 200 when every dependency answers, 503 (with which one) otherwise. */
  @Get()
  async ready(@Res() reply: FastifyReply): Promise<void> {
    const report = await this.registry.report();
    const status = report.status === 'up' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE;
    await reply.status(status).send(report);
  }

  /** Liveness: the process answers. */
  @Get('live')
  live(): { status: 'up' } {
    return { status: 'up' };
  }
}
