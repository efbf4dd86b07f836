import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { AppConfig, configSchema } from './config.schema';

export class ConfigError extends Error {}

/** Validates an environment; throws one readable line per wrong variable. */
export function parseConfig(env: NodeJS.ProcessEnv): AppConfig {
  const result = configSchema.safeParse(env);
  if (result.success) return Object.freeze(result.data) as AppConfig;
  const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
  throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
}

let cached: AppConfig | undefined;

/** The process configuration: `.env` (if present) under the real environment, validated once. */
export function loadConfig(): AppConfig {
  if (cached) return cached;
  const dotenv = resolve(process.cwd(), '.env');
  if (existsSync(dotenv)) process.loadEnvFile(dotenv); // never overrides variables already set
  cached = parseConfig(process.env);
  return cached;
}
