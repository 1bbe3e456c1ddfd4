import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { errAsync, okAsync } from 'neverthrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SLOW_START_MS } from '../test/timeouts.js';
import { EMPTY_METRICS, metricsFrom, type IterationRecord } from '@alphaloop/domain';
import { sampleChampion, sampleElite, sampleEvidence, sampleFailureRecord, sampleProtocol, sampleRecord, sampleSearch, sampleValidation } from '@alphaloop/ports/contracts';
import {
  categoryOf,
  exportRunJsonl,
  exportRunJsonlFile,
  importJsonl,
  importJsonlFile,
  nullifyNonFiniteTokens,
  openStorage,
  exportLine,
  parseJsonlLine,
  type RunStores,
  type Storage,
} from './index.js';

const FIXTURE = fileURLToPath(new URL('../test/fixtures/innovations.jsonl', import.meta.url));
let storage: Storage;
let scratch: string;

beforeAll(async () => {
  storage = (await openStorage({ kind: 'pglite' }))._unsafeUnwrap();
  scratch = mkdtempSync(join(tmpdir(), 'alphaloop-jsonl-'));
}, SLOW_START_MS);

afterAll(async () => {
  await storage?.close();
  rmSync(scratch, { recursive: true, force: true });
});

const all = async (runId: string): Promise<readonly IterationRecord[]> =>
  (await storage.history.page(runId, { offset: 0, limit: 1000 }))._unsafeUnwrap();

describe("importing the original system's innovations.jsonl", () => {
  it('reports each invalid line by number, keeps every valid one, and adds nothing the second time', async () => {
    const report = (await importJsonlFile(storage, FIXTURE, { runId: 'original' }))._unsafeUnwrap();
    expect(report).toMatchObject({ lines: 11, imported: 8, alreadyPresent: 0 });
    expect(report.invalid.map((i) => i.line)).toEqual([5, 9, 11]);
    expect(report.invalid[0]?.message).toMatch(/llm record needs a non-blank strategy_code/);
    expect(report.invalid[1]?.message).toMatch(/^not JSON/);
    expect(report.invalid[2]?.message).toMatch(/timestamp must be an ISO-8601 time, not "yesterday"/);
    expect((await all('original')).map((r) => r.iteration)).toEqual([0, 1, 2, 3, 5, 6, 8, 10]);

    const again = (await importJsonlFile(storage, FIXTURE, { runId: 'original' }))._unsafeUnwrap();
    expect(again).toMatchObject({ lines: 11, imported: 0, alreadyPresent: 8 });
    expect(again.invalid.map((i) => i.line)).toEqual([5, 9, 11]);
    expect((await storage.history.count('original'))._unsafeUnwrap()).toBe(8);
    expect((await storage.history.allocateIteration('original'))._unsafeUnwrap()).toBe(11);
  });

  it('maps the original fields onto our record (see the README table)', async () => {
    const byIteration = new Map((await all('original')).map((r) => [r.iteration, r]));
    expect(byIteration.get(0)).toEqual({
      runId: 'original',
      iteration: 0,
      source: 'llm',
      strategyCode: "close = data.get('price:收盤價')\nposition = close > close.average(20)\nreport = sim(position, resample='M')",
      strategyId: null,
      parentId: null,
      mutationOperator: null,
      generation: null,
      // the original wiped these metrics; execution_result kept them (and its NaN Calmar is missing)
      metrics: metricsFrom({ sharpe: 0.84, totalReturn: 0.51, maxDrawdown: -0.27 }),
      holdoutMetrics: null,
      evidence: null,
      level: 1,
      error: null,
      championUpdated: false,
      championDecision: null,
      search: null,
      feedbackUsed: 'Iteration 0: 首次迭代 — no previous history.',
      timings: { backtest: 12500 },
      llmUsage: null,
      timestamp: '2025-11-17T14:40:02.118204',
    } satisfies IterationRecord);
    expect(byIteration.get(1)).toMatchObject({ source: 'factor_graph', strategyId: 'template_7', generation: 0, strategyCode: null, level: 3 });
    expect(byIteration.get(2)).toMatchObject({ strategyId: 'fg_2_1', generation: 1, metrics: metricsFrom({ sharpe: -0.12, totalReturn: -0.05, maxDrawdown: -0.41, winRate: 0.47 }) });
    expect(byIteration.get(3)).toMatchObject({
      level: 0,
      metrics: EMPTY_METRICS,
      error: { category: 'data_missing', message: 'Exception: **Error: price:成交量 not exists', step: 'backtest' },
    });
    expect(byIteration.get(5)).toMatchObject({ source: 'llm', strategyId: null, championUpdated: true, level: 3, timestamp: '2025-11-18T09:00:00.5' });
    expect(byIteration.get(6)).toMatchObject({
      source: 'llm',
      strategyCode: '',
      metrics: EMPTY_METRICS,
      error: { category: 'other', message: '429 Resource has been exhausted (quota)', step: 'generate' },
      feedbackUsed: '',
      timings: {},
    });
    expect(byIteration.get(8)).toMatchObject({ level: 0, error: { category: 'timeout', step: 'backtest' }, metrics: EMPTY_METRICS });
    expect(byIteration.get(10)?.metrics).toEqual(metricsFrom({ sharpe: 0.61, totalReturn: null, maxDrawdown: -0.19, winRate: 0.55 }));
    // the original kept no folds, policy reasons or search steps: every imported record has none of them
    for (const record of byIteration.values()) expect([record.evidence, record.championDecision, record.search]).toEqual([null, null, null]);
  });
});

describe('JSONL export', () => {
  it('writes one record per line and imports back into an equal run (round trip, file and memory)', async () => {
    const source = 'export-source';
    const records = [
      sampleRecord({ runId: source, iteration: 0 }),
      sampleFailureRecord({ runId: source, iteration: 1, feedbackUsed: 'NUL \u0000 and "quotes"\nnewline' }),
      sampleRecord({ runId: source, iteration: 2, strategyId: 'ffff0000', holdoutMetrics: metricsFrom({ sharpe: 0.1 }) }),
      sampleRecord({
        runId: source,
        iteration: 3,
        championUpdated: true,
        evidence: sampleEvidence({ profile: null, suspicious: ['CAGR 1.4 above 1 — 請檢查資料'] }),
        championDecision: { replace: true, rule: 'tie_break', reasons: ['equal score; drawdown -0.1000 shallower than -0.2000'] },
        search: sampleSearch({ parentChoice: 'champion', mateId: null, archive: { kind: 'replaced', cell: 'momentum/16-40/monthly', previous: 'feedfacecafebeef', correlation: { elite: 0.5, parent: null }, reason: 'beats it' } }),
      }),
    ];
    for (const r of records) (await storage.history.append(r))._unsafeUnwrap();

    const lines: string[] = [];
    expect((await exportRunJsonl(storage, source, (line) => void lines.push(line), 2))._unsafeUnwrap()).toEqual({ records: 4, champions: 0, elites: 0, protocol: false, validation: false });
    expect(lines[0]).toBe(`${JSON.stringify({ alphaloopExport: 2, runId: source })}\n`);
    expect(lines.every((l) => l.endsWith('\n') && !l.slice(0, -1).includes('\n'))).toBe(true);

    const file = join(scratch, 'export.jsonl');
    expect((await exportRunJsonlFile(storage, source, file))._unsafeUnwrap()).toMatchObject({ records: 4 });
    expect(readFileSync(file, 'utf8')).toBe(lines.join(''));

    const report = (await importJsonlFile(storage, file, { runId: 'export-copy' }))._unsafeUnwrap();
    expect(report).toMatchObject({ lines: 5, imported: 4, alreadyPresent: 0, invalid: [], protocol: null, validation: null });
    expect(await all('export-copy')).toEqual(records.map((r) => ({ ...r, runId: 'export-copy' })));
  });

  it('imports our own lines exported before records had evidence, champion decisions and search steps (the keys absent) with all null', async () => {
    const { evidence: _e, championDecision: _d, search: _s, ...before } = sampleRecord({ runId: 'old-export', iteration: 0 });
    const { evidence: _fe, championDecision: _fd, search: _fs, ...failedBefore } = sampleFailureRecord({ runId: 'old-export', iteration: 1 });
    const report = (await importJsonl(storage, [JSON.stringify(before), JSON.stringify(failedBefore)], { runId: 'old-export-copy' }))._unsafeUnwrap();
    expect(report).toMatchObject({ lines: 2, imported: 2, alreadyPresent: 0, invalid: [] });
    expect(await all('old-export-copy')).toEqual([
      { ...before, runId: 'old-export-copy', evidence: null, championDecision: null, search: null },
      { ...failedBefore, runId: 'old-export-copy', evidence: null, championDecision: null, search: null },
    ]);
  });

  it('accepts both formats in one file, detected per line', async () => {
    const ours = JSON.stringify(sampleRecord({ runId: 'whatever', iteration: 0 }));
    const original = readFileSync(FIXTURE, 'utf8').split('\n')[1] ?? '';
    const report = (await importJsonl(storage, `${ours}\n${original}\n{"neither": 1}\n[]`, { runId: 'mixed' }))._unsafeUnwrap();
    expect(report.imported).toBe(2);
    expect(report.invalid).toEqual([
      { line: 3, message: expect.stringMatching(/neither an alphaloop record/) },
      { line: 4, message: expect.stringMatching(/neither/) },
    ]);
    expect((await all('mixed')).map((r) => [r.iteration, r.source])).toEqual([
      [0, 'factor_graph'],
      [1, 'factor_graph'],
    ]);
  });

  it('names the file when it cannot be read or written', async () => {
    const missing = join(scratch, 'missing.jsonl');
    const read = (await importJsonlFile(storage, missing, { runId: 'x' }))._unsafeUnwrapErr();
    expect(read.message).toContain(missing);
    expect(read.message).toContain('ENOENT');
    const blocker = join(scratch, 'a-file');
    writeFileSync(blocker, '');
    const written = (await exportRunJsonlFile(storage, 'export-source', join(blocker, 'out.jsonl')))._unsafeUnwrapErr();
    expect(written.message).toContain('ENOTDIR');
  });

  it('stops at a storage failure, saying at which line, and keeps what was stored', async () => {
    let appended = 0;
    const failing: RunStores = {
      ...storage,
      history: {
        append: () => (++appended < 2 ? okAsync(undefined) : errAsync({ kind: 'storage_unavailable', message: 'cannot reach PostgreSQL' })),
        page: () => okAsync([]),
        restoreElite: () => okAsync('restored'),
      },
    };
    const error = (await importJsonlFile(failing, FIXTURE, { runId: 'x' }))._unsafeUnwrapErr();
    expect(error).toMatchObject({ kind: 'storage_unavailable', message: expect.stringMatching(/line 2: cannot reach PostgreSQL/) });
  });
});

describe('a whole run through export and import', () => {
  /** A run with every part: protocol, records, two champion versions, two archive cells (children counted), a validation. */
  async function seedRun(into: Storage, runId: string): Promise<void> {
    (await into.protocols.setIfAbsent(runId, sampleProtocol()))._unsafeUnwrap();
    const first = sampleChampion({ runId, version: 1, iteration: 0, strategyId: 'aaaa000011112222' });
    const second = sampleChampion({ runId, version: 2, iteration: 2, strategyId: 'bbbb000011112222', holdout: metricsFrom({ sharpe: 0.61 }) });
    const a = sampleElite({ iteration: 0, strategyId: 'aaaa000011112222' });
    const b = sampleElite({ cell: 'value/6-15/quarterly', iteration: 2, strategyId: 'bbbb000011112222', dailyReturns: Float64Array.from([Math.PI, -Math.E, 5e-324, -0]) });
    (await into.history.append(sampleRecord({ runId, iteration: 0, strategyId: a.strategyId, championUpdated: true }), { expectedVersion: 0, next: first }, { place: a, parentIds: [] }))._unsafeUnwrap();
    (await into.history.append(sampleFailureRecord({ runId, iteration: 1 }), undefined, { place: null, parentIds: [a.strategyId] }))._unsafeUnwrap();
    (await into.history.append(sampleRecord({ runId, iteration: 2, strategyId: b.strategyId, championUpdated: true }), { expectedVersion: 1, next: second }, { place: b, parentIds: [a.strategyId] }))._unsafeUnwrap();
    (await into.validations.save(sampleValidation({ runId })))._unsafeUnwrap();
  }

  const snapshot = async (from: Storage, runId: string) => ({
    records: (await from.history.page(runId, { offset: 0, limit: 100 }))._unsafeUnwrap(),
    champion: (await from.champions.get(runId))._unsafeUnwrap(),
    championHistory: (await from.champions.history(runId))._unsafeUnwrap(),
    archive: (await from.archive.load(runId))._unsafeUnwrap().map((e) => ({ ...e, dailyReturns: Array.from(e.dailyReturns, (v) => Object.is(v, -0) ? '-0' : v) })),
    protocol: (await from.protocols.get(runId))._unsafeUnwrap(),
    validation: (await from.validations.latest(runId))._unsafeUnwrap(),
  });

  it('restores every part exactly (daily returns bit for bit), re-imports as all present, and keeps a target’s own champion and cells', async () => {
    await seedRun(storage, 'whole');
    const file = join(scratch, 'whole.jsonl');
    expect((await exportRunJsonlFile(storage, 'whole', file))._unsafeUnwrap()).toEqual({ records: 3, champions: 2, elites: 2, protocol: true, validation: true });
    const before = await snapshot(storage, 'whole');
    expect(before.archive.find((e) => e.iteration === 0)?.children).toBe(2);

    const other = (await openStorage({ kind: 'pglite' }))._unsafeUnwrap();
    try {
      const report = (await importJsonlFile(other, file, { runId: 'whole' }))._unsafeUnwrap();
      expect(report).toEqual({
        lines: 10, imported: 3, alreadyPresent: 0, invalid: [], protocol: 'stored',
        champion: { versions: 2, restored: 2, alreadyPresent: 0, conflict: null },
        archive: { elites: 2, restored: 2, alreadyPresent: 0, occupied: 0 },
        validation: 'restored',
      });
      expect(await snapshot(other, 'whole')).toEqual(before);

      const again = (await importJsonlFile(other, file, { runId: 'whole' }))._unsafeUnwrap();
      expect(again).toMatchObject({ imported: 0, alreadyPresent: 3, protocol: 'same', champion: { restored: 0, alreadyPresent: 2, conflict: null }, archive: { restored: 0, alreadyPresent: 2 }, validation: 'present' });
      expect(await snapshot(other, 'whole')).toEqual(before);

      // into a run with a champion and a cell of its own: those are kept, and said
      const own = sampleChampion({ runId: 'busy', version: 1, iteration: 0, strategyId: 'cccc000011112222' });
      (await other.history.append(sampleRecord({ runId: 'busy', iteration: 0, strategyId: own.strategyId }), { expectedVersion: 0, next: own }, { place: sampleElite({ strategyId: own.strategyId, iteration: 0 }), parentIds: [] }))._unsafeUnwrap();
      const busy = (await importJsonlFile(other, file, { runId: 'busy' }))._unsafeUnwrap();
      expect(busy.champion.conflict).toMatch(/run 'busy' has a champion history of its own \(version 1: cccc000011112222 from iteration 0/);
      expect(busy.archive).toEqual({ elites: 2, restored: 1, alreadyPresent: 0, occupied: 1 });
      expect((await other.champions.get('busy'))._unsafeUnwrap()).toEqual(own);
    } finally {
      await other.close();
    }
  });

  it('refuses, before writing anything, a file measured under another protocol than the target run’s', async () => {
    await seedRun(storage, 'proto-source');
    const lines: string[] = [];
    (await exportRunJsonl(storage, 'proto-source', (line) => void lines.push(line)))._unsafeUnwrap();
    (await storage.protocols.setIfAbsent('proto-target', sampleProtocol({ seed: 99 })))._unsafeUnwrap();
    const refused = (await importJsonl(storage, lines.join(''), { runId: 'proto-target' }))._unsafeUnwrapErr();
    expect(refused).toMatchObject({ kind: 'protocol_mismatch', message: expect.stringMatching(/seed: the run has 99.*Nothing was imported — import into a new run with --run NAME/) });
    expect((await storage.history.count('proto-target'))._unsafeUnwrap()).toBe(0);
    expect((await storage.champions.get('proto-target'))._unsafeUnwrap()).toBeNull();
  });

  it('reports a file from a newer alphaloop, champions out of order and damaged elites by line', async () => {
    const elite = JSON.parse(lineOf(sampleElite())) as { elite: Record<string, unknown> };
    const report = (await importJsonl(storage, [
      JSON.stringify({ alphaloopExport: 3, runId: 'x' }),
      JSON.stringify({ champion: sampleChampion({ version: 2 }) }),
      JSON.stringify({ elite: { ...elite.elite, dailyReturns: 'not base64!' } }),
      JSON.stringify({ elite: { ...elite.elite, dailyReturns: Buffer.from([1, 2, 3]).toString('base64') } }),
    ], { runId: 'damaged' }))._unsafeUnwrap();
    expect(report.invalid).toEqual([
      { line: 1, message: expect.stringMatching(/newer alphaloop \(export format 3; this version reads up to 2\): upgrade alphaloop/) },
      { line: 2, message: expect.stringMatching(/champion version 2 where version 1 was expected/) },
      { line: 3, message: 'elite.dailyReturns is not base64 text' },
      { line: 4, message: 'elite.dailyReturns has 3 bytes, not a multiple of 8' },
    ]);
  });
});

const lineOf = (elite: ReturnType<typeof sampleElite>): string => exportLine.elite(elite);

describe('JSONL line parsing', () => {
  it("turns Python's bare NaN and Infinity into null, but not inside strings", () => {
    expect(nullifyNonFiniteTokens('{"a": NaN, "b": "NaN", "c": -Infinity, "d": "x\\"NaN", "e": [Infinity,1]}')).toBe(
      '{"a": null, "b": "NaN", "c": null, "d": "x\\"NaN", "e": [null,1]}',
    );
  });

  it('maps error types and messages to categories', () => {
    expect(categoryOf('TimeoutError', '')).toBe('timeout');
    expect(categoryOf('KeyError', "'close'")).toBe('data_missing');
    expect(categoryOf('ZeroDivisionError', '')).toBe('calculation');
    expect(categoryOf('ValidationError', 'Metric validation failed: sharpe 12 outside')).toBe('calculation');
    expect(categoryOf('SyntaxError', 'invalid syntax')).toBe('syntax');
    expect(categoryOf('LLMEmptyResponseError', '')).toBe('llm');
    expect(categoryOf('Exception', '**Error: price:成交量 not exists')).toBe('data_missing');
    expect(categoryOf(null, 'Execution timed out')).toBe('timeout');
    expect(categoryOf('RuntimeError', 'boom')).toBe('other');
  });

  it('refuses our own format when a field is wrong, naming it', () => {
    const bad = { ...sampleRecord(), level: 7 };
    expect(parseJsonlLine(JSON.stringify(bad), 'r')._unsafeUnwrapErr()).toMatch(/record\.level is not one of 0, 1, 2, 3/);
    const { timings: _timings, ...missing } = sampleRecord();
    expect(parseJsonlLine(JSON.stringify(missing), 'r')._unsafeUnwrapErr()).toMatch(/record\.timings is missing/);
    const badFold = { ...sampleRecord(), evidence: { ...sampleEvidence(), folds: [{ start: '2020-01-02', end: '2020-12-31', sharpe: 'high' }] } };
    expect(parseJsonlLine(JSON.stringify(badFold), 'r')._unsafeUnwrapErr()).toMatch(/record\.evidence\.folds\[0\]\.sharpe is not a finite number/);
    const badRule = { ...sampleRecord(), championDecision: { replace: true, rule: 'luck', reasons: [] } };
    expect(parseJsonlLine(JSON.stringify(badRule), 'r')._unsafeUnwrapErr()).toMatch(/record\.championDecision\.rule is not one of first, relative, absolute, tie_break/);
  });
});
