/**
 * A table lookup by user-typed text that only sees the table's own keys: `table['__proto__']` or
 * `table['constructor']` on a plain object would otherwise answer with Object.prototype's members.
 */
export function lookup<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
