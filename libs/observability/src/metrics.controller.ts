import { Controller, Get, Headers, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { APP_CONFIG, AppConfig } from '@app/config';
import { metricsRegistry } from './metrics';
import { OPS_FORBIDDEN, OpsAccess } from './ops-access';

/** Prometheus scrape; restricted to OPS_TOKEN (see OpsAccess). */
@Controller('metrics')
export class MetricsController {
  private readonly access: OpsAccess;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.access = new OpsAccess(config);
  }

  @Get()
  async scrape(@Res() reply: FastifyReply, @Headers('authorization') authorization?: string): Promise<void> {
    if (!this.access.allows(authorization)) return void (await reply.status(403).send(OPS_FORBIDDEN));
    await reply.header('content-type', metricsRegistry.contentType).send(await metricsRegistry.metrics());
  }
}
