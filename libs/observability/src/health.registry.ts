import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';

export type HealthCheck = () => Promise<unknown>;
export interface DependencyHealth {
  status: 'up' | 'down';
  latencyMs: number;
  error?: string;
}

/**
 * Each infrastructure provider registers a cheap probe of its dependency here;
 * `/health` runs them all in parallel, each bounded by HEALTH_CHECK_TIMEOUT_MS.
 */
@Injectable()
export class HealthRegistry {
  private readonly checks = new Map<string, HealthCheck>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  register(dependency: string, check: HealthCheck): void {
    this.checks.set(dependency, check);
  }

  async report(): Promise<{ status: 'up' | 'down'; checks: Record<string, DependencyHealth> }> {
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
