import { ResultAsync } from 'neverthrow';
import { sql, type Kysely } from 'kysely';
import type { LlmUsage } from '@alphaloop/domain';
import type { StorageError } from '@alphaloop/ports';
import type { Database } from './schema.js';
import { toStorageError, type StorageLocation } from './storage-errors.js';

/** One LLM call as the ledger keeps it. `outcome` is `ok` or the error kind (`llm_timeout`, …). */
export interface LlmCallEntry {
  readonly runId: string;
  readonly iteration: number | null;
  readonly usage: LlmUsage;
  readonly outcome: string;
}

export interface LlmSpend {
  readonly calls: number;
  readonly tokensIn: number;
  readonly tokensOut: number;
  readonly costUsd: number;
}

/** The LLM call ledger: what each call cost, summed per run for budgets and reports. */
export class KyselyLlmCallLedger {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly location: StorageLocation,
  ) {}

  record(entry: LlmCallEntry): ResultAsync<void, StorageError> {
    const { usage } = entry;
    const query = this.db
      .insertInto('llm_calls')
      .values({
        run_id: entry.runId,
        iteration: entry.iteration,
        model: usage.model,
        tokens_in: Math.round(usage.tokensIn),
        tokens_out: Math.round(usage.tokensOut),
        cost_usd: usage.costUsd,
        cached: usage.cached,
        attempts: Math.round(usage.attempts),
        latency_ms: usage.latencyMs,
        outcome: entry.outcome,
      })
      .execute();
    return ResultAsync.fromPromise(query, (e) => toStorageError(e, this.location, `record an LLM call of run "${entry.runId}"`)).map(() => undefined);
  }

  spend(runId: string): ResultAsync<LlmSpend, StorageError> {
    const query = this.db
      .selectFrom('llm_calls')
      .select([
        sql<number>`count(*)::int`.as('calls'),
        sql<number>`coalesce(sum(tokens_in), 0)::float8`.as('tokens_in'),
        sql<number>`coalesce(sum(tokens_out), 0)::float8`.as('tokens_out'),
        sql<number>`coalesce(sum(cost_usd), 0)::float8`.as('cost_usd'),
      ])
      .where('run_id', '=', runId)
      .executeTakeFirstOrThrow();
    return ResultAsync.fromPromise(query, (e) => toStorageError(e, this.location, `sum the LLM calls of run "${runId}"`)).map((row) => ({
      calls: Number(row.calls),
      tokensIn: Number(row.tokens_in),
      tokensOut: Number(row.tokens_out),
      costUsd: Number(row.cost_usd),
    }));
  }
}
