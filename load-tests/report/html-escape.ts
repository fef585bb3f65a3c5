/**
 * Escaping for the two places the report puts strings taken from a run result: HTML text or
 * attribute values, and the JSON data block the page's script reads. Test names, tags, check
 * names and threshold expressions come from scenario files and `--env`, so none is trusted.
 */

const htmlEntities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** For text content and double- or single-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => htmlEntities[c] ?? c);
}

/**
 * JSON to embed in `<script type="application/json">`. The HTML parser ends a script element
 * at the first `</script` whatever the type, and `<!--` switches it into an escaped state, so
 * every `<` (and `>`/`&` for good measure) becomes a \u escape, which JSON.parse reads back to
 * the same string. U+2028/U+2029 are escaped so the text stays valid if someone pastes it into JS.
 */
export function jsonForScriptElement(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
