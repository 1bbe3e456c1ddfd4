import { mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain ES module of the launcher, without type declarations
import { buildIsCurrent } from '../bin/build-freshness.mjs';

const isCurrent = buildIsCurrent as (root: string, sourcesFile: string) => boolean;

describe('buildIsCurrent (which code the alphaloop launcher starts)', () => {
  let root: string;
  let sourcesFile: string;
  const record = (files: Record<string, number>) => writeFileSync(sourcesFile, JSON.stringify(files));

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'alphaloop-freshness-'));
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'src/a.ts'), 'export const a = 1;');
    writeFileSync(join(root, 'src/b.ts'), 'export const b = 2;');
    sourcesFile = join(root, 'sources.json');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const mtime = (file: string) => statSync(join(root, file)).mtimeMs;

  it('uses the build when every recorded source is unchanged', () => {
    record({ 'src/a.ts': mtime('src/a.ts'), 'src/b.ts': mtime('src/b.ts') });
    expect(isCurrent(root, sourcesFile)).toBe(true);
  });

  it('falls back to the sources when one source was modified after the build', () => {
    record({ 'src/a.ts': mtime('src/a.ts'), 'src/b.ts': mtime('src/b.ts') });
    utimesSync(join(root, 'src/b.ts'), new Date(), new Date(mtime('src/b.ts') + 5_000));
    expect(isCurrent(root, sourcesFile)).toBe(false);
  });

  it('falls back when a source has an older time than recorded (e.g. a checkout of an older revision)', () => {
    record({ 'src/a.ts': mtime('src/a.ts') });
    utimesSync(join(root, 'src/a.ts'), new Date(), new Date(mtime('src/a.ts') - 60_000));
    expect(isCurrent(root, sourcesFile)).toBe(false);
  });

  it('falls back when a recorded source was deleted', () => {
    record({ 'src/a.ts': mtime('src/a.ts'), 'src/gone.ts': 1 });
    expect(isCurrent(root, sourcesFile)).toBe(false);
  });

  it('falls back when there is no build or its record is unreadable', () => {
    expect(isCurrent(root, sourcesFile)).toBe(false);
    writeFileSync(sourcesFile, '{ not json');
    expect(isCurrent(root, sourcesFile)).toBe(false);
    writeFileSync(sourcesFile, 'null');
    expect(isCurrent(root, sourcesFile)).toBe(false);
  });
});
