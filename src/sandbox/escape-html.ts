/**
 * Escapes text for HTML element content and double- or single-quoted attribute values. The one copy
 * for everything under `src/sandbox/` (the emulations' pages and answers, the try-out page), which
 * imports nothing of the product's.
 */
export function escapeHtml(text: string): string {
  const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
  return text.replace(/[&<>"']/g, (c) => entities[c] ?? c);
}
