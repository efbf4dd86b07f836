import { Controller, Get, Headers, HttpStatus, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { APP_CONFIG, AppConfig } from '@app/config';
import { HealthReport, HealthRegistry } from './health.registry';
import { OpsAccess } from './ops-access';

@Controller('health')
export class HealthController {
  private readonly access: OpsAccess;

  constructor(
    private readonly registry: HealthRegistry,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.access = new OpsAccess(config);
  }

  /**
   * Readiness: 200 when every dependency answers, 503 otherwise. Anyone learns which dependency is down;
   * latencies and error texts (addresses, driver messages) only the bearer of OPS_TOKEN.
   */
  @Get()
  async ready(@Res() reply: FastifyReply, @Headers('authorization') authorization?: string): Promise<void> {
    const report = await this.registry.report();
    const status = report.status === 'up' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE;
    await reply.status(status).send(this.access.allows(authorization) ? report : summary(report));
  }

  /** Liveness: the process answers. Public, and touches nothing. */
  @Get('live')
  live(): { status: 'up' } {
    return { status: 'up' };
  }
}

function summary(report: HealthReport): HealthReport {
  const checks = Object.fromEntries(
    Object.entries(report.checks).map(([name, { status }]) => [name, { status }]),
  );
  return { status: report.status, checks };
}
