import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export const root = join(__dirname, '../..');

export type ComposeServices = Record<string, Record<string, any>>;

/** The services of a compose file, anchors and merge keys resolved as compose resolves them. */
export function composeServices(file: string): ComposeServices {
  return parse(readFileSync(join(root, file), 'utf8'), { merge: true }).services;
}

/** `${NAME:-default}` as compose would interpolate it with NAME unset. */
const interpolate = (value: unknown) => String(value).replace(/\$\{\w+:-([^}]*)\}/g, '$1');

/** A service's environment as its process sees it, every value a string. */
export const envOf = (services: ComposeServices, name: string): Record<string, string> =>
  Object.fromEntries(Object.entries(services[name].environment ?? {}).map(([k, v]) => [k, interpolate(v)]));

/** Every service `name` waits for, directly or through another. */
export function dependenciesOf(services: ComposeServices, name: string): Set<string> {
  const found = new Set<string>();
  const visit = (service: string) => {
    for (const dependency of Object.keys(services[service].depends_on ?? {})) {
      if (found.has(dependency)) continue;
      found.add(dependency);
      visit(dependency);
    }
  };
  visit(name);
  return found;
}
