import { readFileSync } from 'node:fs';

/** A copy of a JSON file of test/fixtures, safe to change. */
export function loadFixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')) as T;
}
