import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareIds } from '../../commands/figures/open-items.js';

// The overdue list sorts 10,000 items on a province; its tie-break reads ledger ids without the collator. Held to the
// collator it stands for, on ledger ids and on anything else an id might be.
const byNumber = new Intl.Collator('en', { numeric: true }).compare;
const sign = (n: number) => Math.sign(n);

const ledgerId = fc.tuple(fc.constantFrom('P', 'M', 'T', 'PA', 'MM', 'Z'), fc.integer({ min: 1, max: 1e9 })).map(([l, n]) => `${l}${n}`);
const otherId = fc.oneof(fc.constantFrom('P01', 'p3', 'P', '3', 'Pé2', 'P-1', 'P1a', 'P１２', `P${'9'.repeat(17)}`), fc.string({ maxLength: 6 }));

describe('compareIds', () => {
  it('orders as the numeric collator does', () => {
    fc.assert(
      fc.property(fc.oneof(ledgerId, otherId), fc.oneof(ledgerId, otherId), (a, b) => {
        expect(sign(compareIds(a, b))).toBe(sign(byNumber(a, b)));
      }),
      { numRuns: 5000 },
    );
  });
});
