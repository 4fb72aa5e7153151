import type { Tx } from '../storage/store.js';

const ITEM_WRITES = new Set(['updateProblem', 'updateMeasure', 'updateTask']);

/** The transaction with item writes noted in `touched`, so the cards about those items can be brought up to date. */
export function noting(tx: Tx, touched: Set<string>): Tx {
  return new Proxy(tx, {
    get(target, key, receiver) {
      const verb = Reflect.get(target, key, receiver) as unknown;
      if (typeof key !== 'string' || !ITEM_WRITES.has(key) || typeof verb !== 'function') return verb;
      return (id: string, ...rest: unknown[]) => {
        touched.add(id);
        return (verb as (...a: unknown[]) => unknown).call(target, id, ...rest);
      };
    },
  });
}
