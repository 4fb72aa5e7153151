/** A callback button found in a card: its label and the value it sends back. */
export interface Button {
  text: string;
  value: Record<string, unknown>;
}

/** Every callback button in a card, depth first. */
export function buttons(card: unknown): Button[] {
  const out: Button[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as { tag?: string; text?: { content?: string }; behaviors?: { value: Record<string, unknown> }[] };
      if (o.tag === 'button' && o.behaviors?.[0]) out.push({ text: o.text?.content ?? '', value: o.behaviors[0].value });
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return out;
}
