/** A fenced code block found in an LLM reply. */
export interface FencedBlock {
  /** The info string's first word, lower-cased (`js`, `typescript`, `` for none). */
  readonly lang: string;
  readonly code: string;
  /** The reply ended before the closing fence (e.g. the output-token limit was hit). */
  readonly unterminated: boolean;
}

export type CodeCandidate =
  | { readonly from: 'js_block' | 'other_block'; readonly code: string; readonly lang: string; readonly unterminated: boolean }
  | { readonly from: 'whole_text'; readonly code: string };

const JS_LANGS = new Set(['js', 'javascript', 'jsx', 'mjs', 'cjs', 'ts', 'typescript', 'tsx', 'mts']);
const OPEN_FENCE = /^ {0,3}(`{3,}|~{3,})[ \t]*([^\s`]*)[^`]*$/;

/** Fenced blocks (``` or ~~~, CommonMark rules) in order of appearance. */
export function fencedBlocks(text: string): FencedBlock[] {
  const lines = text.split(/\r?\n/);
  const blocks: FencedBlock[] = [];
  let i = 0;
  while (i < lines.length) {
    const open = OPEN_FENCE.exec(lines[i] ?? '');
    if (open === null) {
      i += 1;
      continue;
    }
    const fence = open[1] ?? '```';
    const lang = (open[2] ?? '').toLowerCase();
    const close = new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}[ \\t]*$`);
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !close.test(lines[j] ?? '')) {
      body.push(lines[j] ?? '');
      j += 1;
    }
    blocks.push({ lang, code: body.join('\n').trim(), unterminated: j >= lines.length });
    i = j + 1;
  }
  return blocks;
}

/**
 * Where the strategy is in a reply: the first fenced js/ts block, else the first fenced block, else the
 * whole text (which the caller accepts only if it compiles or clearly is a strategy). `null` for a reply
 * with nothing in it.
 */
export function extractStrategyCode(reply: string): CodeCandidate | null {
  const blocks = fencedBlocks(reply).filter((b) => b.code.length > 0);
  const js = blocks.find((b) => JS_LANGS.has(b.lang));
  const chosen = js ?? blocks[0];
  if (chosen !== undefined) {
    return { from: js !== undefined ? 'js_block' : 'other_block', code: chosen.code, lang: chosen.lang, unterminated: chosen.unterminated };
  }
  const whole = reply.trim();
  return whole.length === 0 ? null : { from: 'whole_text', code: whole };
}

/** Whether unfenced text reads as an attempt at a strategy (so its compile error is worth feeding back). */
export function looksLikeStrategy(text: string): boolean {
  return /\breturn\b/.test(text) && /\bdata\s*\.\s*get\s*\(/.test(text);
}
