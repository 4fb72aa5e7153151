import { ApiError, isRecord } from './open-platform-http.js';

/** Refuses a card Feishu would refuse: 2.0 layout, at most 5 tables, at most 200 components. */
export function checkCard(card: Record<string, unknown>): void {
  if (card.type === 'template') return;
  if (card.schema === '2.0') {
    // JSON 2.0 moved elements under body; a top-level list is a 1.0 habit Feishu rejects.
    if ('elements' in card) throw new ApiError(400, 230099, 'Failed to create card content, ext=schema 2.0 card has top-level elements');
    const body = card.body;
    const elements = isRecord(body) ? body.elements : undefined;
    if (!Array.isArray(elements)) throw new ApiError(400, 230099, 'Failed to create card content, ext=schema 2.0 card needs body.elements');
    if (elements.filter((e) => isRecord(e) && e.tag === 'table').length > 5) {
      throw new ApiError(400, 230099, 'Failed to create card content, ext=more than 5 tables');
    }
  }
  if (countComponents(card) > 200) throw new ApiError(400, 11310, 'card element exceeds the limit (200 components)');
}

function countComponents(node: unknown): number {
  if (Array.isArray(node)) return node.reduce((n: number, x) => n + countComponents(x), 0);
  if (!isRecord(node)) return 0;
  let n = typeof node.tag === 'string' ? 1 : 0;
  for (const v of Object.values(node)) n += countComponents(v);
  return n;
}


/** Whether a card is shared (`config.update_multi: true`), the only kind a PATCH may update; template cards count as shared. */
export function isShared(card: unknown): boolean {
  if (!isRecord(card)) return false;
  if (card.type === 'template') return true;
  const config = card.config;
  return isRecord(config) && config.update_multi === true;
}
