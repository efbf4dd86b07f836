import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';

export type HealthCheck = () => Promise<unknown>;
export interface DependencyHealth {
  status: 'up' | 'down';
  latencyMs?: number;
  error?: string;
}
export interface HealthReport {
  status: 'up' | 'down';
  checks: Record<string, DependencyHealth>;
}

/**
 * Each infrastructure provider registers a cheap probe of its dependency here;
 * `/health` runs them all in parallel, each bounded by HEALTH_CHECK_TIMEOUT_MS. The report is shared by
 * concurrent callers and kept HEALTH_CACHE_MS: however often /health is called, each dependency sees at
 * most one probe per interval (on the order-service a probe takes a connection from the pool that /pay
 * and the intake need).
 */
@Injectable()
export class HealthRegistry {
  private readonly checks = new Map<string, HealthCheck>();
  private last?: { report: Promise<HealthReport>; at: number };

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  register(dependency: string, check: HealthCheck): void {
    this.checks.set(dependency, check);
  }

  report(): Promise<HealthReport> {
    const now = performance.now();
    if (this.last && now - this.last.at < this.config.HEALTH_CACHE_MS) return this.last.report;
    const report = this.probeAll();
    this.last = { report, at: now };
    return report;
  }

  private async probeAll(): Promise<HealthReport> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]) => [name, await this.probe(check)] as const),
    );
    const checks = Object.fromEntries(entries);
    const status = entries.every(([, h]) => h.status === 'up') ? 'up' : 'down';
    return { status, checks };
  }

  private async probe(check: HealthCheck): Promise<DependencyHealth> {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timed out')), this.config.HEALTH_CHECK_TIMEOUT_MS);
    });
    try {
      await Promise.race([check(), timeout]);
      return { status: 'up', latencyMs: Math.round(performance.now() - started) };
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      return { status: 'down', latencyMs: Math.round(performance.now() - started), error };
    } finally {
      clearTimeout(timer);
    }
  }
}
