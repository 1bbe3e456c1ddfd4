import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { metricsFrom } from '@alphaloop/domain';
import { sampleChampion, sampleFailureRecord, sampleRecord } from '@alphaloop/ports/contracts';
import { migrate, type Storage } from '../src/index.js';

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
      const outcome = { strategyId, canonicalCode: 'return 1;', metrics: metricsFrom({ sharpe: 0.8, maxDrawdown: -0.2 }), holdoutMetrics: null };
      expect((await s().backtestCache.get(key))._unsafeUnwrap()).toBeNull();
      (await s().backtestCache.put(key, outcome))._unsafeUnwrap();
      (await s().backtestCache.put(key, { ...outcome, canonicalCode: 'second writer' }))._unsafeUnwrap();
      const reordered = { ...key, simOptions: { stops: { loss: 0.1 }, resample: 'M', fee: 0.001425 } };
      expect((await s().backtestCache.get(reordered))._unsafeUnwrap()).toEqual(outcome);
      expect((await s().backtestCache.get({ ...key, dataVersion: 'synthetic-v2' }))._unsafeUnwrap()).toBeNull();
      expect((await s().backtestCache.get({ ...key, simOptions: { ...key.simOptions, fee: 0.002 } }))._unsafeUnwrap()).toBeNull();
    });

    it('migrates once, and refuses a database written by a newer version without touching it', async () => {
      const schema = ctx.schema();
      const table = schema === null ? 'kysely_migration' : `${schema}.kysely_migration`;
      expect((await migrate(s().db, s().location, schema))._unsafeUnwrap()).toEqual([]);
      await sql`insert into ${sql.table(table)} (name, timestamp) values ('9999_from_the_future', now()::text)`.execute(s().db);
      try {
        const refused = (await migrate(s().db, s().location, schema))._unsafeUnwrapErr();
        expect(refused.kind).toBe('storage_schema_too_new');
        expect(refused.message).toMatch(/newer alphaloop.*9999_from_the_future.*0001_initial/);
        expect(refused.message).toMatch(s().kind === 'pglite' ? /--db/ : /DATABASE_URL/);
      } finally {
        await sql`delete from ${sql.table(table)} where name = '9999_from_the_future'`.execute(s().db);
      }
    });
  });
}
