import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * The pure packages' sources may not reach for I/O, the clock or randomness (issue 16): the repository's own lint
 * configuration, run on real source files of domain, strategy and engine with one impure line added.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: root });

async function errorsOf(file: string, added: string): Promise<string[]> {
  const text = `${added}\n${readFileSync(`${root}/${file}`, 'utf8')}`;
  const [result] = await eslint.lintText(text, { filePath: `${root}/${file}` });
  return (result?.messages ?? []).filter((m) => m.severity === 2).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('purity of domain, strategy and engine is enforced by lint', () => {
  it('passes on the sources as they are', async () => {
    for (const file of ['packages/domain/src/levels.ts', 'packages/strategy/src/support/hash.ts', 'packages/engine/src/frame.ts']) {
      expect(await errorsOf(file, ''), file).toEqual([]);
    }
  });

  it.each([
    ['packages/domain/src/levels.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;", 'no-restricted-imports'],
    ['packages/domain/src/levels.ts', "import { join } from 'path';\nexport const x = join;", 'no-restricted-imports'],
    ['packages/strategy/src/support/hash.ts', 'export const t = Date.now();', 'no-restricted-properties'],
    ['packages/strategy/src/support/hash.ts', 'export const r = Math.random();', 'no-restricted-properties'],
    ['packages/engine/src/frame.ts', "export const e = process.env['X'];", 'no-restricted-globals'],
    ['packages/engine/src/frame.ts', 'export const p = performance.now();', 'no-restricted-globals'],
    ['packages/engine/src/frame.ts', 'export const d = new Date();', 'no-restricted-syntax'],
    ['packages/engine/src/frame.ts', 'export const g = globalThis.setTimeout;', 'no-restricted-properties'],
  ])('%s with %j: %s', async (file, added, rule) => {
    const errors = await errorsOf(file, added);
    expect(errors.some((e) => e.startsWith(`${rule}: `) && e.includes('a pure package (domain, strategy, engine) takes it as a parameter')), errors.join('\n')).toBe(true);
  });

  it('leaves the pure packages’ tests and the adapters alone', async () => {
    expect(await errorsOf('packages/adapters/market-data/src/hash.ts', "import { join } from 'node:path';\nexport const j = join;")).toEqual([]);
  });
});
