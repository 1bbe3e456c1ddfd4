import { describe, expect, it } from 'vitest';
import { extractStrategyCode, fencedBlocks, looksLikeStrategy } from '../src/index.js';

const CODE = "const close = data.get('price:close');\nreturn close.isLargest(5);";

describe('extractStrategyCode', () => {
  it('takes the first js/ts block even when another block comes first', () => {
    const reply = `Plan:\n\`\`\`text\nbuy winners\n\`\`\`\n\`\`\`javascript\n${CODE}\n\`\`\`\n\`\`\`js\nreturn 2;\n\`\`\``;
    expect(extractStrategyCode(reply)).toEqual({ from: 'js_block', code: CODE, lang: 'javascript', unterminated: false });
  });

  it.each(['js', 'JS', 'ts', 'typescript', 'tsx', 'jsx', 'mjs'])('accepts the %s info string', (lang) => {
    expect(extractStrategyCode(`\`\`\`${lang}\n${CODE}\n\`\`\``)).toMatchObject({ from: 'js_block', code: CODE });
  });

  it('else the first fenced block of any language', () => {
    expect(extractStrategyCode(`x\n\`\`\`\n${CODE}\n\`\`\`\n\`\`\`python\nprint(1)\n\`\`\``)).toMatchObject({ from: 'other_block', code: CODE, lang: '' });
  });

  it('understands ~~~ fences, longer fences and indented fences', () => {
    expect(extractStrategyCode(`~~~js\n${CODE}\n~~~`)).toMatchObject({ code: CODE });
    expect(extractStrategyCode(`\`\`\`\`js\n${CODE}\n\`\`\`\`\``)).toMatchObject({ code: CODE });
    expect(extractStrategyCode(`   \`\`\`js\n${CODE}\n   \`\`\``)).toMatchObject({ code: CODE });
  });

  it('keeps blank lines and comments inside the block (the original cut code at them)', () => {
    const code = "const close = data.get('price:close');\n\n// Execute\nreturn close.isLargest(5);";
    expect(extractStrategyCode(`\`\`\`js\n${code}\n\`\`\``)).toMatchObject({ code });
  });

  it('an unterminated block (output cut off) is taken to the end and flagged', () => {
    expect(extractStrategyCode(`\`\`\`js\n${CODE}`)).toMatchObject({ code: CODE, unterminated: true });
  });

  it('skips empty blocks', () => {
    expect(extractStrategyCode(`\`\`\`js\n\`\`\`\n\`\`\`js\n${CODE}\n\`\`\``)).toMatchObject({ code: CODE });
  });

  it('else the whole text, trimmed; null for nothing at all', () => {
    expect(extractStrategyCode(`\n${CODE}\n`)).toEqual({ from: 'whole_text', code: CODE });
    expect(extractStrategyCode('   \n ')).toBeNull();
    expect(extractStrategyCode('')).toBeNull();
  });

  it('handles CRLF line endings', () => {
    expect(extractStrategyCode(`\`\`\`js\r\n${CODE.replace('\n', '\r\n')}\r\n\`\`\``)).toMatchObject({ code: CODE });
  });
});

describe('fencedBlocks / looksLikeStrategy', () => {
  it('lists blocks in order with their languages', () => {
    expect(fencedBlocks('```a\n1\n```\n```b\n2\n```').map((b) => [b.lang, b.code])).toEqual([
      ['a', '1'],
      ['b', '2'],
    ]);
  });

  it('a strategy needs a return and a data.get call', () => {
    expect(looksLikeStrategy(CODE)).toBe(true);
    expect(looksLikeStrategy('You should return to momentum investing.')).toBe(false);
    expect(looksLikeStrategy("data.get('x')")).toBe(false);
  });
});
