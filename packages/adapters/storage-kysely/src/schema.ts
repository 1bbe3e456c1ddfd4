import type { ColumnType, Generated } from 'kysely';

/**
 * The tables, as Kysely sees them. One schema for both backends (PGlite and PostgreSQL); the
 * migrations in `migrations.ts` create it. JSON columns are written as JSON text cast to `jsonb`
 * and come back parsed (`unknown` until a codec has checked them).
 */
export interface Database {
  runs: RunsTable;
  strategies: StrategiesTable;
  iterations: IterationsTable;
  champions: ChampionsTable;
  champion_history: ChampionHistoryTable;
  llm_calls: LlmCallsTable;
  backtest_cache: BacktestCacheTable;
  run_protocols: RunProtocolsTable;
  run_validations: RunValidationsTable;
  archive_cells: ArchiveCellsTable;
  iteration_claims: IterationClaimsTable;
}

type Json = ColumnType<unknown, string, string>;
type CreatedAt = ColumnType<Date, never, never>;

export interface RunsTable {
  run_id: string;
  /** The next iteration number to hand out; never decreases. */
  next_iteration: number;
  created_at: CreatedAt;
}

/** Each strategy once, by id (a hash of its canonical code). */
export interface StrategiesTable {
  strategy_id: string;
  code: string;
  /** The factor graph, when the strategy came from one and the writer supplied it. */
  graph: ColumnType<unknown, string | null, string | null>;
  parent_id: string | null;
  operator: string | null;
  generation: number | null;
  source: string;
  created_at: CreatedAt;
}

export interface IterationsTable {
  run_id: string;
  iteration: number;
  /** Insertion order across all runs. */
  seq: ColumnType<string, never, never>;
  source: string;
  level: number;
  strategy_id: string | null;
  champion_updated: boolean;
  /** The whole record; `strategyCode` is left out when it is stored once in `strategies`. */
  record: Json;
  created_at: CreatedAt;
}

/** The current champion of each run; `version` is the compare-and-set token. */
export interface ChampionsTable {
  run_id: string;
  version: number;
  strategy_id: string;
  iteration: number;
  champion: Json;
  updated_at: ColumnType<Date, never, string>;
}

/** Every champion a run has had, one row per version. */
export interface ChampionHistoryTable {
  run_id: string;
  version: number;
  strategy_id: string;
  iteration: number;
  champion: Json;
  changed_at: CreatedAt;
}

/** One row per LLM call (or per iteration's attempts), for cost accounting and budgets. */
export interface LlmCallsTable {
  id: Generated<string>;
  run_id: string;
  iteration: number | null;
  model: string;
  tokens_in: number;
  tokens_out: number;
  cost_usd: number;
  cached: boolean;
  attempts: number;
  latency_ms: number;
  outcome: string;
  created_at: CreatedAt;
}

/** Backtest results by (strategy, data version, simulation options). */
export interface BacktestCacheTable {
  strategy_id: string;
  data_version: string;
  /** sha256 of the canonical JSON of the simulation options. */
  options_hash: string;
  options: Json;
  outcome: Json;
  created_at: CreatedAt;
}

/** The protocol each run keeps from its start (migration 0002): one row per run, never replaced. */
export interface RunProtocolsTable {
  run_id: string;
  protocol: Json;
  created_at: CreatedAt;
}

/** Every `alphaloop validate` outcome of a run (migration 0002), appended; the highest id is the newest. */
export interface RunValidationsTable {
  id: Generated<string>;
  run_id: string;
  validation: Json;
  created_at: CreatedAt;
}

/**
 * The quality-diversity archive of each run (migration 0003): one elite per behaviour cell. `elite` is the
 * `ArchiveElite` without its daily returns and its children count, which have their own columns.
 */
export interface ArchiveCellsTable {
  run_id: string;
  cell: string;
  strategy_id: string;
  /** The elite's `evidence.score`: what it holds its cell by. */
  score: number;
  /** How many strategies were derived from it; counted up in SQL. */
  children: ColumnType<number, number | undefined, number>;
  elite: Json;
  /** The in-sample daily returns: the `Float64Array`'s bytes, little-endian (8 per day). */
  daily_returns: ColumnType<Uint8Array, Uint8Array, Uint8Array>;
  iteration: number;
  updated_at: ColumnType<Date, never, string>;
}

/** Who was handed each iteration number (migration 0004): a claim without a record is an unfinished iteration. */
export interface IterationClaimsTable {
  run_id: string;
  iteration: number;
  /** `host/pid/token` of the process that allocated it. */
  owner: string;
  claimed_at: ColumnType<Date, Date | string | undefined, never>;
}
