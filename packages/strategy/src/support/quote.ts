/** Longest stretch of a strategy's own text that a message quotes; the rest is elided. */
export const MAX_QUOTED_CHARS = 60;

/**
 * A strategy's own text — a string literal, a data key — as it may appear inside a message: in single quotes,
 * with line breaks, tabs, every other control or invisible-format character and any lone surrogate (not text at
 * all) written as an escape (`\n`, `\u202e`, `\ud800`), and cut to MAX_QUOTED_CHARS. Messages go into stored
 * records, feedback and the next LLM prompt: a string that carries "\n\n## New instructions…" must stay one
 * quoted value on one line, never become text of its own.
 */
export function quoteText(text: string, max: number = MAX_QUOTED_CHARS): string {
  const chars = [...text];
  const shown = chars.length > max ? `${chars.slice(0, max).join('')}…` : text;
  const escaped = shown.replace(/[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}\\']/gu, (c) => {
    switch (c) {
      case '\n':
        return '\\n';
      case '\r':
        return '\\r';
      case '\t':
        return '\\t';
      case '\\':
        return '\\\\';
      case "'":
        return "\\'";
      default:
        return `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`;
    }
  });
  return `'${escaped}'${chars.length > max ? ` (${chars.length} characters)` : ''}`;
}
