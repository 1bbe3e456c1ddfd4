import { Migrator, sql, type Kysely } from 'kysely';
import { expect } from 'vitest';
import type { Champion, IterationRecord } from '@alphaloop/domain';
import { sampleElite, sampleProtocol, sampleRecord } from '@alphaloop/ports/contracts';
import { InCodeMigrationProvider, MIGRATIONS, type Database, type Storage } from '../src/index.js';

/**
 * Rows as alphaloop wrote them before records had `evidence`, `championDecision` and `search` and champions had
 * `evidence` and `holdout` (schema 0001_initial only), frozen here as JSON text so that they stay what was
 * stored then, whatever the fixtures become.
 */
export const LEGACY_CODE = "const close = data.get('price:close');\nreturn close.isLargest(10);";
/** Its code lives in `strategies`, so the JSON leaves `strategyCode` out (as 0001's append did). */
export const LEGACY_RECORD_JSON =
  '{"runId":"legacy","iteration":0,"source":"factor_graph","strategyId":"legacy-strategy","parentId":null,"mutationOperator":"template","generation":0,' +
  '"metrics":{"sharpe":1.25,"totalReturn":0.42,"cagr":0.08,"maxDrawdown":-0.18,"calmar":0.44,"sortino":null,"volatility":null,"winRate":null,"trades":120,"turnover":null},' +
  '"holdoutMetrics":null,"level":3,"error":null,"championUpdated":true,"feedbackUsed":"Starting iteration 0. 動能策略","timings":{"load_history":0.4,"backtest":12.5},' +
  '"llmUsage":null,"timestamp":"2026-01-05T10:00:00.000Z"}';
export const LEGACY_FAILURE_JSON =
  '{"runId":"legacy","iteration":1,"source":"llm","strategyCode":null,"strategyId":null,"parentId":null,"mutationOperator":null,"generation":null,' +
  '"metrics":{"sharpe":null,"totalReturn":null,"cagr":null,"maxDrawdown":null,"calmar":null,"sortino":null,"volatility":null,"winRate":null,"trades":null,"turnover":null},' +
  '"holdoutMetrics":null,"level":0,"error":{"category":"llm","message":"HTTP 500","step":"generate"},"championUpdated":false,"feedbackUsed":"",' +
  '"timings":{},"llmUsage":{"model":"openai:gpt-test","tokensIn":900,"tokensOut":0,"costUsd":0.0012,"cached":false,"attempts":3,"latencyMs":3100},"timestamp":"2026-01-05T10:01:00.000Z"}';
export const LEGACY_CHAMPION_JSON =
  '{"runId":"legacy","strategyId":"legacy-strategy","code":"const close = data.get(\'price:close\');\\nreturn close.isLargest(10);","source":"factor_graph",' +
  '"metrics":{"sharpe":1.25,"totalReturn":0.42,"cagr":0.08,"maxDrawdown":-0.18,"calmar":0.44,"sortino":null,"volatility":null,"winRate":null,"trades":120,"turnover":null},' +
  '"iteration":0,"version":1}';

/** What the legacy rows of `runId` read as today: every new field null, nothing else changed. */
export function legacyExpectations(runId: string): { records: IterationRecord[]; champion: Champion } {
  const relabel = <T extends { runId: string }>(json: string): T => ({ ...(JSON.parse(json) as T), runId });
  return {
    records: [
      { ...relabel<IterationRecord>(LEGACY_RECORD_JSON), strategyCode: LEGACY_CODE, evidence: null, championDecision: null, search: null },
      { ...relabel<IterationRecord>(LEGACY_FAILURE_JSON), evidence: null, championDecision: null, search: null },
    ],
    champion: { ...relabel<Champion>(LEGACY_CHAMPION_JSON), evidence: null, holdout: null },
  };
}

const relabelled = (json: string, runId: string): string => JSON.stringify({ ...(JSON.parse(json) as object), runId });

/** Writes the legacy run `runId` with 0001's own write function (`alphaloop_append`), record, champion and all. */
export async function writeLegacyRun(db: Kysely<Database>, runId: string): Promise<void> {
  const champion = relabelled(LEGACY_CHAMPION_JSON, runId);
  await sql`select alphaloop_append(
    ${runId}::text, 0, 'factor_graph', 3::smallint, 'legacy-strategy', true, ${relabelled(LEGACY_RECORD_JSON, runId)}::jsonb, ${LEGACY_CODE}::text,
    null::text, 'template', 0, 0, ${champion}::jsonb, 'legacy-strategy', 0, ${LEGACY_CODE}::text, 'factor_graph')`.execute(db);
  await sql`select alphaloop_append(
    ${runId}::text, 1, 'llm', 0::smallint, null::text, false, ${relabelled(LEGACY_FAILURE_JSON, runId)}::jsonb, null::text,
    null::text, null::text, null::integer, null::integer, null::jsonb, null::text, null::integer, null::text, null::text)`.execute(db);
}

/** Brings a new database to the schema of the version before the run ledger (0001_initial only) and writes a legacy run. */
export async function createLegacyDatabase(db: Kysely<Database>, schema: string | null, runId: string): Promise<void> {
  const first = MIGRATIONS['0001_initial'];
  if (first === undefined) throw new Error('0001_initial is missing from MIGRATIONS');
  const migrator = new Migrator({ db, provider: new InCodeMigrationProvider({ '0001_initial': first }), ...(schema === null ? {} : { migrationTableSchema: schema }) });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) throw error;
  expect(results?.map((r) => r.migrationName)).toEqual(['0001_initial']);
  await writeLegacyRun(db, runId);
}

/** After opening that legacy database with this version: it migrated, and every stored row reads (new fields null). */
export async function expectLegacyRunReadable(storage: Storage, runId: string): Promise<void> {
  expect(storage.migrationsApplied).toEqual(['0002_run_ledger', '0003_archive', '0004_claims']);
  const want = legacyExpectations(runId);
  expect((await storage.history.page(runId, { offset: 0, limit: 10 }))._unsafeUnwrap()).toEqual(want.records);
  expect((await storage.champions.get(runId))._unsafeUnwrap()).toEqual(want.champion);
  expect((await storage.champions.history(runId))._unsafeUnwrap()).toEqual([want.champion]);
  expect((await storage.runs.list())._unsafeUnwrap().find((r) => r.runId === runId)).toMatchObject({ iterations: 2, lastIteration: 1, championSharpe: 1.25 });
  // the run goes on: no protocol yet (it was started before protocols), nor an archive, one can be set, numbering continues
  expect((await storage.protocols.get(runId))._unsafeUnwrap()).toBeNull();
  expect((await storage.archive.load(runId))._unsafeUnwrap()).toEqual([]);
  expect((await storage.validations.latest(runId))._unsafeUnwrap()).toBeNull();
  const protocol = sampleProtocol();
  expect((await storage.protocols.setIfAbsent(runId, protocol))._unsafeUnwrap()).toEqual(protocol);
  expect((await storage.history.allocateIteration(runId))._unsafeUnwrap()).toBe(2);
  (await storage.history.append(sampleRecord({ runId, iteration: 2 })))._unsafeUnwrap();
  expect((await storage.history.recent(runId, 3))._unsafeUnwrap()).toEqual([...want.records, sampleRecord({ runId, iteration: 2 })]);
  const elite = sampleElite({ iteration: 3 });
  (await storage.history.append(sampleRecord({ runId, iteration: 3 }), undefined, { place: elite, parentIds: [] }))._unsafeUnwrap();
  expect((await storage.archive.load(runId))._unsafeUnwrap()).toEqual([elite]);
}
