import { describe, expect, it } from 'vitest';
import { card, cardMessage, checkedCard, md, type Card } from '../../commands/shared/card.js';
import { markdown } from '../../commands/shared/markdown.js';

describe('checkedCard', () => {
  it('checks a card again in full once it has changed since it was found valid', () => {
    const c = card('进度', [md(markdown`检视问题 **3** 个`)]);
    expect(checkedCard(c)).toBe(c);
    // Checked again unchanged (as cardMessage does after fitCard): still valid.
    expect(cardMessage(c).card).toBe(c);
    // Changed into something Feishu rejects (an unknown property, too many elements): refused, not waved through.
    (c.body.elements[0] as Record<string, unknown>).colour = 'red';
    expect(() => checkedCard(c)).toThrow(/invalid card/);
    delete (c.body.elements[0] as Record<string, unknown>).colour;
    expect(checkedCard(c)).toBe(c);
    c.body.elements.push(...Array.from({ length: 200 }, () => ({ tag: 'hr' }) as Card['body']['elements'][number]));
    expect(() => cardMessage(c)).toThrow(/201 elements/);
  });
});
