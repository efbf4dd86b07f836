import { PipeTransform } from '@nestjs/common';
import { ZodType } from 'zod';
import { validationFailed } from './app-error';

/** Parses `value` with `schema`, or throws 400 VALIDATION_FAILED naming each wrong field. */
export function parseWith<T>(schema: ZodType<T, unknown>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  const summary = details.map((d) => (d.path ? `${d.path}: ${d.message}` : d.message)).join('; ');
  throw validationFailed(`invalid ${what}: ${summary}`, details);
}

/** Validates (and narrows) a body, param or query value at the HTTP boundary. */
export class ZodValidationPipe<T> implements PipeTransform<unknown, T> {
  constructor(
    private readonly schema: ZodType<T, unknown>,
    private readonly what = 'request',
  ) {}

  transform(value: unknown): T {
    return parseWith(this.schema, value, this.what);
  }
}
