import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { metricsFrom } from '@alphaloop/domain';
import type { BacktestOutcome } from '@alphaloop/ports';
import { sampleChampion, sampleElite, sampleEvidence, sampleFailureRecord, sampleProtocol, sampleRecord, sampleValidation } from '@alphaloop/ports/contracts';
import { KNOWN_MIGRATIONS, appliedMigrations, migrate, optionsHash, type Storage } from '../src/index.js';
import { LEGACY_CHAMPION_JSON, LEGACY_FAILURE_JSON, LEGACY_RECORD_JSON, legacyExpectations, writeLegacyRun } from './legacy.js';

export interface BehaviourContext {
  readonly storage: () => Storage;
  /** The schema the storage was opened with (PostgreSQL), or null. */
  readonly schema: () => string | null;
}

const freshRun = (): string => `run-${randomUUID()}`;

/** Behaviour beyond the port contract (schema, dedup, odd characters, ledger, cache, migrations), run on both backends. */
export function describeStorageBehaviour(name: string, ctx: BehaviourContext): void {
  describe(`storage behaviour: ${name}`, () => {
    const s = (): Storage => ctx.storage();

    it('stores each strategy once and gives every record its code back', async () => {
      const runId = freshRun();
      const strategyId = `dedup-${randomUUID()}`;
      const records = [0, 1, 2].map((iteration) => sampleRecord({ runId, iteration, strategyId }));
      for (const r of records) (await s().history.append(r))._unsafeUnwrap();
      const rows = await s().db.selectFrom('strategies').select(['code', 'generation', 'operator']).where('strategy_id', '=', strategyId).execute();
      expect(rows).toEqual([{ code: records[0]?.strategyCode, generation: 0, operator: 'template' }]);
      const inline = await s()
        .db.selectFrom('iterations')
        .select(sql<boolean>`record ? 'strategyCode'`.as('inline'))
        .where('run_id', '=', runId)
        .execute();
      expect(inline.map((r) => r.inline)).toEqual([false, false, false]);
      expect((await s().history.recent(runId, 5))._unsafeUnwrap()).toEqual(records);
    });

    it('keeps a record exact when its strategy id is already stored with other code', async () => {
      const runId = freshRun();
      const strategyId = `clash-${randomUUID()}`;
      const first = sampleRecord({ runId, iteration: 0, strategyId, strategyCode: 'return 1;' });
      const second = sampleRecord({ runId, iteration: 1, strategyId, strategyCode: 'return 2;' });
      (await s().history.append(first))._unsafeUnwrap();
      (await s().history.append(second))._unsafeUnwrap();
      expect((await s().history.recent(runId, 5))._unsafeUnwrap()).toEqual([first, second]);
    });

    it('round-trips text PostgreSQL cannot hold as text (U+0000, lone surrogates)', async () => {
      const runId = freshRun();
      const odd = sampleFailureRecord({
        runId,
        iteration: 0,
        strategyCode: 'return "\u0000";',
        strategyId: 'nul-code',
        feedbackUsed: 'half a pair: \uD83D, NUL: \u0000, fine: 😀 動能',
        error: { category: 'syntax', message: 'unexpected \u0000 at 1:9', step: 'backtest' },
      });
      const plain = sampleRecord({ runId, iteration: 1, feedbackUsed: 'backslash-u: \\u0000 stays text' });
      (await s().history.append(odd))._unsafeUnwrap();
      (await s().history.append(plain))._unsafeUnwrap();
      expect((await s().history.recent(runId, 5))._unsafeUnwrap()).toEqual([odd, plain]);
    });

    it('never hands out a number already used by an appended (e.g. imported) record', async () => {
      const runId = freshRun();
      expect((await s().history.allocateIteration(runId))._unsafeUnwrap()).toBe(0);
      (await s().history.append(sampleRecord({ runId, iteration: 0 })))._unsafeUnwrap();
      (await s().history.append(sampleRecord({ runId, iteration: 7 })))._unsafeUnwrap();
      (await s().history.append(sampleRecord({ runId, iteration: 3 })))._unsafeUnwrap();
      expect((await s().history.allocateIteration(runId))._unsafeUnwrap()).toBe(8);
      const imported = freshRun();
      (await s().history.append(sampleRecord({ runId: imported, iteration: 41 })))._unsafeUnwrap();
      expect((await s().history.allocateIteration(imported))._unsafeUnwrap()).toBe(42);
    });

    it('rolls the champion change back when its record is refused (one transaction)', async () => {
      const runId = freshRun();
      (await s().history.append(sampleRecord({ runId, iteration: 0 })))._unsafeUnwrap();
      const champion = sampleChampion({ runId, version: 1 });
      const duplicate = await s().history.append(sampleRecord({ runId, iteration: 0, championUpdated: true }), { expectedVersion: 0, next: champion });
      expect(duplicate._unsafeUnwrapErr().kind).toBe('storage_duplicate');
      expect((await s().champions.get(runId))._unsafeUnwrap()).toBeNull();
      expect((await s().champions.history(runId))._unsafeUnwrap()).toEqual([]);
    });

    it('keeps every champion in the history, and its strategy once', async () => {
      const runId = freshRun();
      const v1 = sampleChampion({ runId, version: 1, strategyId: `champ-${randomUUID()}` });
      const v2 = sampleChampion({ runId, version: 2, iteration: 3, strategyId: `champ-${randomUUID()}`, metrics: metricsFrom({ sharpe: 1.4 }) });
      (await s().champions.compareAndSet(runId, 0, v1))._unsafeUnwrap();
      (await s().history.append(sampleRecord({ runId, iteration: 3, championUpdated: true }), { expectedVersion: 1, next: v2 }))._unsafeUnwrap();
      expect((await s().champions.history(runId))._unsafeUnwrap()).toEqual([v1, v2]);
      const stored = await s().db.selectFrom('strategies').select('code').where('strategy_id', '=', v2.strategyId).execute();
      expect(stored).toEqual([{ code: v2.code }]);
    });

    it('refuses an inconsistent champion change before writing anything', async () => {
      const runId = freshRun();
      const wrongVersion = await s().champions.compareAndSet(runId, 0, sampleChampion({ runId, version: 2 }));
      expect(wrongVersion._unsafeUnwrapErr()).toMatchObject({ kind: 'storage_failure', message: expect.stringContaining('next.version must be 1') });
      const wrongRun = await s().history.append(sampleRecord({ runId, iteration: 0 }), { expectedVersion: 0, next: sampleChampion({ runId: 'other', version: 1 }) });
      expect(wrongRun._unsafeUnwrapErr().kind).toBe('storage_failure');
      expect((await s().history.count(runId))._unsafeUnwrap()).toBe(0);
      expect((await s().champions.get(runId))._unsafeUnwrap()).toBeNull();
    });

    it('reports a damaged row as corrupt, naming the iteration', async () => {
      const runId = freshRun();
      (await s().history.append(sampleRecord({ runId, iteration: 0 })))._unsafeUnwrap();
      (await s().history.append(sampleRecord({ runId, iteration: 1 })))._unsafeUnwrap();
      await s().db.updateTable('iterations').set({ record: '{"runId": 5}' }).where('run_id', '=', runId).where('iteration', '=', 1).execute();
      const error = (await s().history.recent(runId, 5))._unsafeUnwrapErr();
      expect(error.kind).toBe('storage_corrupt_row');
      expect(error.message).toMatch(/iteration 1 is corrupt/);
      expect((await s().history.page(runId, { offset: 0, limit: 1 }))._unsafeUnwrap()).toHaveLength(1);
    });

    it('answers recent(0), negative sizes and empty pages with nothing', async () => {
      const runId = freshRun();
      (await s().history.append(sampleRecord({ runId, iteration: 0 })))._unsafeUnwrap();
      expect((await s().history.recent(runId, 0))._unsafeUnwrap()).toEqual([]);
      expect((await s().history.recent(runId, -3))._unsafeUnwrap()).toEqual([]);
      expect((await s().history.page(runId, { offset: 5, limit: 10 }))._unsafeUnwrap()).toEqual([]);
    });

    it('keeps an LLM call ledger summed per run', async () => {
      const runId = freshRun();
      const usage = { model: 'openai:gpt-test', tokensIn: 900, tokensOut: 120, costUsd: 0.0012, cached: false, attempts: 1, latencyMs: 812.5 };
      (await s().llmCalls.record({ runId, iteration: 0, usage, outcome: 'ok' }))._unsafeUnwrap();
      (await s().llmCalls.record({ runId, iteration: 1, usage: { ...usage, tokensOut: 0, costUsd: 0.0008 }, outcome: 'llm_timeout' }))._unsafeUnwrap();
      const spend = (await s().llmCalls.spend(runId))._unsafeUnwrap();
      expect(spend).toMatchObject({ calls: 2, tokensIn: 1800, tokensOut: 120 });
      expect(spend.costUsd).toBeCloseTo(0.002, 10);
      expect((await s().llmCalls.spend(freshRun()))._unsafeUnwrap()).toEqual({ calls: 0, tokensIn: 0, tokensOut: 0, costUsd: 0 });
    });

    it('caches backtest results by strategy, data version and options (in any key order)', async () => {
      const strategyId = `bt-${randomUUID()}`;
      const key = { strategyId, dataVersion: 'synthetic-v1', simOptions: { fee: 0.001425, resample: 'M', stops: { loss: 0.1 } } };
      const outcome: BacktestOutcome = {
        strategyId,
        canonicalCode: 'return 1;',
        metrics: metricsFrom({ sharpe: 0.8, maxDrawdown: -0.2 }),
        folds: [
          { start: '2020-01-02', end: '2020-12-31', sharpe: 0.7 },
          { start: '2021-01-04', end: '2021-12-30', sharpe: null },
        ],
        profile: { observations: 496, sharpe: 0.05, skewness: 0.12, kurtosis: 3.4 },
        monthlyReturns: [0.01, -0.02],
        holdoutMetrics: null,
        dailyReturns: Float64Array.from([0.001, -0.0025, 0, 1e-9]),
        traits: { family: 'momentum', averageHoldings: 12.5 },
        costs: { feeRatio: 0.001425, taxRatio: 0.003, setBy: 'run' },
      };
      expect((await s().backtestCache.get(key))._unsafeUnwrap()).toBeNull();
      (await s().backtestCache.put(key, outcome))._unsafeUnwrap();
      (await s().backtestCache.put(key, { ...outcome, canonicalCode: 'second writer' }))._unsafeUnwrap();
      const reordered = { ...key, simOptions: { stops: { loss: 0.1 }, resample: 'M', fee: 0.001425 } };
      const cached = (await s().backtestCache.get(reordered))._unsafeUnwrap();
      expect(cached).toEqual(outcome);
      expect(cached?.dailyReturns).toBeInstanceOf(Float64Array);
      expect((await s().backtestCache.get({ ...key, dataVersion: 'synthetic-v2' }))._unsafeUnwrap()).toBeNull();
      expect((await s().backtestCache.get({ ...key, simOptions: { ...key.simOptions, fee: 0.002 } }))._unsafeUnwrap()).toBeNull();
      const noReturns = { ...key, dataVersion: 'synthetic-v3' };
      (await s().backtestCache.put(noReturns, { ...outcome, dailyReturns: null, profile: null, holdoutMetrics: metricsFrom({ sharpe: 0.3 }) }))._unsafeUnwrap();
      expect((await s().backtestCache.get(noReturns))._unsafeUnwrap()).toEqual({ ...outcome, dailyReturns: null, profile: null, holdoutMetrics: metricsFrom({ sharpe: 0.3 }) });
    });

    it('counts a cache entry stored before outcomes had folds and costs, or traits, as a miss, and replaces it on put', async () => {
      const old = (strategyId: string) => ({ strategyId, canonicalCode: 'return 1;', metrics: metricsFrom({ sharpe: 0.8 }), holdoutMetrics: null });
      const withCosts = (strategyId: string) => ({ ...old(strategyId), folds: [], profile: null, monthlyReturns: [], dailyReturns: null, costs: { feeRatio: 0.001425, taxRatio: 0.003, setBy: 'strategy' as const } });
      for (const stored of [old, withCosts]) {
        const strategyId = `bt-old-${randomUUID()}`;
        const key = { strategyId, dataVersion: 'synthetic-v1', simOptions: {} };
        await s()
          .db.insertInto('backtest_cache')
          .values({ strategy_id: strategyId, data_version: 'synthetic-v1', options_hash: optionsHash({}), options: '{}', outcome: JSON.stringify(stored(strategyId)) })
          .execute();
        expect((await s().backtestCache.get(key))._unsafeUnwrap()).toBeNull();
        const outcome: BacktestOutcome = { ...withCosts(strategyId), traits: { family: 'value', averageHoldings: null } };
        (await s().backtestCache.put(key, outcome))._unsafeUnwrap();
        expect((await s().backtestCache.get(key))._unsafeUnwrap()).toEqual(outcome);
      }
    });

    it('reads records and champions stored before evidence, champion decisions and holdouts existed (those keys absent) as null', async () => {
      const runId = freshRun();
      await writeLegacyRun(s().db, runId); // with the 0001 write function, which is still the one appends use
      const want = legacyExpectations(runId);
      expect((await s().history.recent(runId, 5))._unsafeUnwrap()).toEqual(want.records);
      expect((await s().champions.get(runId))._unsafeUnwrap()).toEqual(want.champion);
      expect((await s().champions.history(runId))._unsafeUnwrap()).toEqual([want.champion]);
      // the rows really are the old ones: none of the new keys is stored
      const keys = await s()
        .db.selectFrom('iterations')
        .select(sql<boolean>`record ? 'evidence' or record ? 'championDecision'`.as('any'))
        .where('run_id', '=', runId)
        .execute();
      expect(keys.map((k) => k.any)).toEqual([false, false]);
      const championKeys = await s().db.selectFrom('champions').select(sql<boolean>`champion ? 'evidence' or champion ? 'holdout'`.as('any')).where('run_id', '=', runId).execute();
      expect(championKeys.map((k) => k.any)).toEqual([false]);
      // a key present with null reads as null too; a present key that is wrong is corrupt, naming the field
      const withNulls = { ...(JSON.parse(LEGACY_FAILURE_JSON) as object), runId, iteration: 1, evidence: null, championDecision: null };
      await s().db.updateTable('iterations').set({ record: JSON.stringify(withNulls) }).where('run_id', '=', runId).where('iteration', '=', 1).execute();
      expect((await s().history.recent(runId, 5))._unsafeUnwrap()).toEqual(want.records);
      const wrong = { ...(JSON.parse(LEGACY_RECORD_JSON) as object), runId, strategyCode: 'x', evidence: { folds: 'four' } };
      await s().db.updateTable('iterations').set({ record: JSON.stringify(wrong) }).where('run_id', '=', runId).where('iteration', '=', 0).execute();
      expect((await s().history.recent(runId, 5))._unsafeUnwrapErr()).toMatchObject({
        kind: 'storage_corrupt_row',
        message: expect.stringMatching(/iteration 0 is corrupt \(record\.evidence\.folds is not an array\)/),
      });
      const wrongChampion = { ...(JSON.parse(LEGACY_CHAMPION_JSON) as object), runId, holdout: { sharpe: 'high' } };
      await s().db.updateTable('champions').set({ champion: JSON.stringify(wrongChampion) }).where('run_id', '=', runId).execute();
      expect((await s().champions.get(runId))._unsafeUnwrapErr()).toMatchObject({ kind: 'storage_corrupt_row', message: expect.stringMatching(/champion\.holdout\.sharpe is not a finite number/) });
    });

    it('refuses a record or champion that could not be read back (NaN where a number is required), storing nothing', async () => {
      const runId = freshRun();
      const nan = sampleEvidence({ profile: { observations: 3, sharpe: 0, skewness: Number.NaN, kurtosis: Number.NaN } });
      const refused = (await s().history.append(sampleRecord({ runId, iteration: 0, evidence: nan })))._unsafeUnwrapErr();
      expect(refused).toMatchObject({ kind: 'storage_failure', message: expect.stringMatching(/invalid record: record\.evidence\.profile\.skewness is not a finite number/) });
      const champion = sampleChampion({ runId, evidence: sampleEvidence({ monthlyReturns: [0.01, Number.POSITIVE_INFINITY] }) });
      const viaAppend = (await s().history.append(sampleRecord({ runId, iteration: 0, championUpdated: true }), { expectedVersion: 0, next: champion }))._unsafeUnwrapErr();
      expect(viaAppend).toMatchObject({ kind: 'storage_failure', message: expect.stringMatching(/champion\.evidence\.monthlyReturns\[1\] is not a finite number/) });
      expect((await s().champions.compareAndSet(runId, 0, champion))._unsafeUnwrapErr().kind).toBe('storage_failure');
      expect((await s().history.count(runId))._unsafeUnwrap()).toBe(0);
      expect((await s().champions.get(runId))._unsafeUnwrap()).toBeNull();
      // a missing metric (NaN) is a null metric, as always: that record is stored
      (await s().history.append(sampleRecord({ runId, iteration: 0, metrics: metricsFrom({ sharpe: Number.NaN }) })))._unsafeUnwrap();
    });

    it('keeps an elite in archive_cells: its daily returns as little-endian bytes, children in a column; a damaged row is corrupt, naming run and cell', async () => {
      const runId = freshRun();
      const elite = sampleElite({ children: 2 });
      (await s().history.append(sampleRecord({ runId, iteration: 0 }), undefined, { place: elite, parentIds: [] }))._unsafeUnwrap();
      const row = await s()
        .db.selectFrom('archive_cells')
        .select(['strategy_id', 'score', 'children', 'iteration', sql<string>`encode(daily_returns, 'hex')`.as('hex'), sql<boolean>`elite ? 'dailyReturns' or elite ? 'children'`.as('extra')])
        .where('run_id', '=', runId)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({
        strategy_id: elite.strategyId,
        score: elite.evidence.score,
        children: 2,
        iteration: 7,
        hex: Buffer.from(elite.dailyReturns.buffer).toString('hex'), // this machine is little-endian, as x86 and ARM are
        extra: false,
      });
      expect((await s().archive.load(runId))._unsafeUnwrap()).toEqual([elite]);

      // code jsonb cannot hold (U+0000) is kept exactly too (the JSON is wrapped)
      const odd = sampleElite({ code: 'return "\u0000";', cell: 'other/1-5/slow' });
      (await s().history.append(sampleRecord({ runId, iteration: 1 }), undefined, { place: odd, parentIds: [] }))._unsafeUnwrap();
      expect((await s().archive.load(runId))._unsafeUnwrap()).toEqual([elite, odd]);

      await sql`update archive_cells set elite = jsonb_set(elite, '{traits,family}', '"astrology"') where run_id = ${runId} and cell = ${elite.cell}`.execute(s().db);
      expect((await s().archive.load(runId))._unsafeUnwrapErr()).toMatchObject({
        kind: 'storage_corrupt_row',
        message: `read the archive of run "${runId}": cell "${elite.cell}" is corrupt (elite.traits.family is not one of momentum, value, quality, risk, entry, multi, other)`,
      });
      await sql`update archive_cells set elite = jsonb_set(elite, '{traits,family}', '"momentum"'), cell = 'value/1-5/slow' where run_id = ${runId} and cell = ${elite.cell}`.execute(s().db);
      expect((await s().archive.load(runId))._unsafeUnwrapErr().message).toContain(
        `cell "value/1-5/slow" is corrupt (its elite is ${elite.strategyId} of cell "${elite.cell}", but the row is ${elite.strategyId} of cell "value/1-5/slow")`,
      );
      // the table refuses bytes that are not whole float64s
      await expect(sql`update archive_cells set daily_returns = '\\x00' where run_id = ${runId}`.execute(s().db)).rejects.toThrow();
    });

    it('refuses an archive change that could not be stored or read back, storing nothing of the append', async () => {
      const runId = freshRun();
      const attempts = [
        { place: sampleElite({ evidence: sampleEvidence({ profile: { observations: 3, sharpe: 0, skewness: Number.NaN, kurtosis: 3 } }) }), parentIds: [] },
        { place: sampleElite({ cell: 'nul\u0000cell' }), parentIds: [] },
        { place: null, parentIds: ['half \uD83D'] },
        { place: null, parentIds: [], evict: ['nul\u0000'] },
        { place: sampleElite({ children: -1 }), parentIds: [] },
      ];
      for (const change of attempts) {
        const refused = (await s().history.append(sampleRecord({ runId, iteration: 0 }), undefined, change))._unsafeUnwrapErr();
        expect(refused).toMatchObject({ kind: 'storage_failure', message: expect.stringMatching(/^invalid archive change: /) });
      }
      expect((await s().history.count(runId))._unsafeUnwrap()).toBe(0);
      expect((await s().archive.load(runId))._unsafeUnwrap()).toEqual([]);
    });

    it('keeps protocols and validations in their own tables, creating the run row, and rejects corrupt or unreadable ones', async () => {
      const runId = freshRun();
      const protocol = sampleProtocol({ dataVersion: 'NUL \u0000 in a data version' });
      expect((await s().protocols.setIfAbsent(runId, protocol))._unsafeUnwrap()).toEqual(protocol);
      const validation = sampleValidation({ runId });
      (await s().validations.save(validation))._unsafeUnwrap();
      expect((await s().runs.list())._unsafeUnwrap().find((r) => r.runId === runId)).toMatchObject({ iterations: 0, lastIteration: null });
      expect(await s().db.selectFrom('run_protocols').select('run_id').where('run_id', '=', runId).execute()).toEqual([{ run_id: runId }]);
      expect(await s().db.selectFrom('run_validations').select('run_id').where('run_id', '=', runId).execute()).toEqual([{ run_id: runId }]);

      await s().db.updateTable('run_protocols').set({ protocol: '{"dataVersion": 5}' }).where('run_id', '=', runId).execute();
      for (const read of [await s().protocols.get(runId), await s().protocols.setIfAbsent(runId, protocol)]) {
        expect(read._unsafeUnwrapErr()).toMatchObject({
          kind: 'storage_corrupt_row',
          message: expect.stringMatching(new RegExp(`protocol of run "${runId}": the stored protocol is corrupt \\(protocol\\.dataVersion is not a string\\)`)),
        });
      }
      await s().db.updateTable('run_validations').set({ validation: '{"runId": "x", "createdAt": "now"}' }).where('run_id', '=', runId).execute();
      expect((await s().validations.latest(runId))._unsafeUnwrapErr()).toMatchObject({
        kind: 'storage_corrupt_row',
        message: expect.stringMatching(new RegExp(`validation of run "${runId}": the stored validation is corrupt \\(validation\\.strategyIds is missing\\)`)),
      });

      const other = freshRun();
      const badProtocol = (await s().protocols.setIfAbsent(other, sampleProtocol({ feeRatio: Number.NaN })))._unsafeUnwrapErr();
      expect(badProtocol).toMatchObject({ kind: 'storage_failure', message: expect.stringMatching(/invalid protocol: protocol\.feeRatio is not a finite number/) });
      const badValidation = (await s().validations.save(sampleValidation({ runId: other, pbo: Number.NaN })))._unsafeUnwrapErr();
      expect(badValidation).toMatchObject({ kind: 'storage_failure', message: expect.stringMatching(/invalid validation: validation\.pbo is not a finite number/) });
      expect((await s().protocols.get(other))._unsafeUnwrap()).toBeNull();
      expect((await s().validations.latest(other))._unsafeUnwrap()).toBeNull();
      expect((await s().runs.list())._unsafeUnwrap().some((r) => r.runId === other)).toBe(false);
    });

    it('migrates once, and refuses a database written by a newer version without touching it', async () => {
      const schema = ctx.schema();
      const table = schema === null ? 'kysely_migration' : `${schema}.kysely_migration`;
      expect((await migrate(s().db, s().location, schema))._unsafeUnwrap()).toEqual([]);
      expect(await appliedMigrations(s().db, schema)).toEqual(['0001_initial', '0002_run_ledger', '0003_archive', '0004_claims']);
      expect(KNOWN_MIGRATIONS).toEqual(['0001_initial', '0002_run_ledger', '0003_archive', '0004_claims']);
      await sql`insert into ${sql.table(table)} (name, timestamp) values ('9999_from_the_future', now()::text)`.execute(s().db);
      try {
        const refused = (await migrate(s().db, s().location, schema))._unsafeUnwrapErr();
        expect(refused.kind).toBe('storage_schema_too_new');
        expect(refused.message).toMatch(/newer alphaloop.*9999_from_the_future.*knows only up to 0004_claims/);
        expect(refused.message).toMatch(s().kind === 'pglite' ? /--db/ : /DATABASE_URL/);
      } finally {
        await sql`delete from ${sql.table(table)} where name = '9999_from_the_future'`.execute(s().db);
      }
    });
  });
}
