import { PipeTransform } from '@nestjs/common';
import { ZodType } from 'zod';
import { validationFailed } from './app-error';

/** Validates (and narrows) a body, param or query value at the HTTP boundary. */
export class ZodValidationPipe<T> implements PipeTransform<unknown, T> {
  constructor(
    private readonly schema: ZodType<T>,
    private readonly what = 'request',
  ) {}

  transform(value: unknown): T {
    const parsed = this.schema.safeParse(value);
    if (parsed.success) return parsed.data;
    const details = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    const summary = details.map((d) => (d.path ? `${d.path}: ${d.message}` : d.message)).join('; ');
    throw validationFailed(`invalid ${this.what}: ${summary}`, details);
  }
}
