/* eslint-disable @typescript-eslint/no-explicit-any -- migrations take Kysely<any> (Kysely's own convention): they must not depend on today's table types */
import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';

/**
 * The one migration list, in code, for both backends. Append new migrations with a name that sorts
 * after the last one; never edit or remove one that has shipped (a database that ran a migration this
 * list does not know is refused as "too new").
 */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001_initial': {
    async up(db: Kysely<any>): Promise<void> {
      const now = sql`now()`;
      await db.schema
        .createTable('runs')
        .addColumn('run_id', 'text', (c) => c.primaryKey())
        .addColumn('next_iteration', 'integer', (c) => c.notNull().defaultTo(0).check(sql`next_iteration >= 0`))
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
        .execute();

      await db.schema
        .createTable('strategies')
        .addColumn('strategy_id', 'text', (c) => c.primaryKey())
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('graph', 'jsonb')
        .addColumn('parent_id', 'text')
        .addColumn('operator', 'text')
        .addColumn('generation', 'integer')
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
        .execute();

      await db.schema
        .createTable('iterations')
        .addColumn('run_id', 'text', (c) => c.notNull().references('runs.run_id'))
        .addColumn('iteration', 'integer', (c) => c.notNull().check(sql`iteration >= 0`))
        .addColumn('seq', 'bigint', (c) => c.notNull().generatedAlwaysAsIdentity())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('level', 'smallint', (c) => c.notNull().check(sql`level between 0 and 3`))
        .addColumn('strategy_id', 'text')
        .addColumn('champion_updated', 'boolean', (c) => c.notNull())
        .addColumn('record', 'jsonb', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
        .addPrimaryKeyConstraint('iterations_pkey', ['run_id', 'iteration'])
        .execute();
      await db.schema.createIndex('iterations_strategy_id').on('iterations').column('strategy_id').where(sql.ref('strategy_id'), 'is not', null).execute();

      await db.schema
        .createTable('champions')
        .addColumn('run_id', 'text', (c) => c.primaryKey().references('runs.run_id'))
        .addColumn('version', 'integer', (c) => c.notNull().check(sql`version > 0`))
        .addColumn('strategy_id', 'text', (c) => c.notNull())
        .addColumn('iteration', 'integer', (c) => c.notNull())
        .addColumn('champion', 'jsonb', (c) => c.notNull())
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
        .execute();

      await db.schema
        .createTable('champion_history')
        .addColumn('run_id', 'text', (c) => c.notNull().references('runs.run_id'))
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('strategy_id', 'text', (c) => c.notNull())
        .addColumn('iteration', 'integer', (c) => c.notNull())
        .addColumn('champion', 'jsonb', (c) => c.notNull())
        .addColumn('changed_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
        .addPrimaryKeyConstraint('champion_history_pkey', ['run_id', 'version'])
        .execute();

      await db.schema
        .createTable('llm_calls')
        .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('iteration', 'integer')
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('tokens_in', 'integer', (c) => c.notNull())
        .addColumn('tokens_out', 'integer', (c) => c.notNull())
        .addColumn('cost_usd', 'double precision', (c) => c.notNull())
        .addColumn('cached', 'boolean', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('latency_ms', 'double precision', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
        .execute();
      await db.schema.createIndex('llm_calls_run').on('llm_calls').columns(['run_id', 'id']).execute();

      await db.schema
        .createTable('backtest_cache')
        .addColumn('strategy_id', 'text', (c) => c.notNull())
        .addColumn('data_version', 'text', (c) => c.notNull())
        .addColumn('options_hash', 'text', (c) => c.notNull())
        .addColumn('options', 'jsonb', (c) => c.notNull())
        .addColumn('outcome', 'jsonb', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
        .addPrimaryKeyConstraint('backtest_cache_pkey', ['strategy_id', 'data_version', 'options_hash'])
        .execute();

      // The writes, as functions: each call is one statement (so one transaction), and PL/pgSQL keeps
      // the plans of the statements inside, so an append is not planned again every time (planning
      // was half of an append's cost on PGlite).
      await sql`
        create function alphaloop_replace_champion(
          p_run_id text, p_expected_version integer, p_champion jsonb, p_strategy_id text, p_iteration integer,
          p_code text, p_source text
        ) returns integer language plpgsql as $fn$
        declare
          changed integer;
        begin
          if p_expected_version = 0 then
            insert into runs (run_id, next_iteration) values (p_run_id, 0) on conflict (run_id) do nothing;
            -- the primary key lets exactly one of several racing writers insert the first champion
            insert into champions (run_id, version, strategy_id, iteration, champion)
            values (p_run_id, 1, p_strategy_id, p_iteration, p_champion)
            on conflict (run_id) do nothing;
          else
            update champions
            set version = version + 1, strategy_id = p_strategy_id, iteration = p_iteration, champion = p_champion, updated_at = now()
            where run_id = p_run_id and version = p_expected_version;
          end if;
          get diagnostics changed = row_count;
          if changed = 0 then
            return 0;
          end if;
          insert into champion_history (run_id, version, strategy_id, iteration, champion)
          values (p_run_id, p_expected_version + 1, p_strategy_id, p_iteration, p_champion);
          if p_code is not null then
            insert into strategies (strategy_id, code, source) values (p_strategy_id, p_code, p_source)
            on conflict (strategy_id) do nothing;
          end if;
          return 1;
        end
        $fn$`.execute(db);

      await sql`
        create function alphaloop_append(
          p_run_id text, p_iteration integer, p_source text, p_level smallint, p_strategy_id text, p_champion_updated boolean,
          p_record jsonb, p_code text, p_parent_id text, p_operator text, p_generation integer,
          p_expected_version integer, p_champion jsonb, p_champion_strategy_id text, p_champion_iteration integer,
          p_champion_code text, p_champion_source text
        ) returns integer language plpgsql as $fn$
        declare
          stored text;
        begin
          -- the run exists, and its counter will not hand out this number (e.g. an imported one) again
          insert into runs (run_id, next_iteration) values (p_run_id, p_iteration + 1)
          on conflict (run_id) do update set next_iteration = excluded.next_iteration
          where runs.next_iteration < excluded.next_iteration;
          if p_champion is not null then
            if alphaloop_replace_champion(p_run_id, p_expected_version, p_champion, p_champion_strategy_id,
                                          p_champion_iteration, p_champion_code, p_champion_source) = 0 then
              return 0;
            end if;
          end if;
          -- p_code is given when the record's JSON leaves its code out: the code is kept in strategies,
          -- once per id; if the id is already stored with other code, the code goes back into the JSON
          if p_code is not null then
            insert into strategies (strategy_id, code, parent_id, operator, generation, source)
            values (p_strategy_id, p_code, p_parent_id, p_operator, p_generation, p_source)
            on conflict (strategy_id) do nothing;
            select code into stored from strategies where strategy_id = p_strategy_id;
            if stored is distinct from p_code then
              p_record := jsonb_set(p_record, '{strategyCode}', to_jsonb(p_code));
            end if;
          end if;
          insert into iterations (run_id, iteration, source, level, strategy_id, champion_updated, record)
          values (p_run_id, p_iteration, p_source, p_level, p_strategy_id, p_champion_updated, p_record);
          return 1;
        end
        $fn$`.execute(db);
    },
  },

  // The run ledger: the protocol a run keeps from its start (RunProtocolRepository) and the outcomes of
  // `alphaloop validate` (ValidationRepository, appended; the newest wins). Runs stored before this migration
  // simply have neither.
  '0002_run_ledger': {
    async up(db: Kysely<any>): Promise<void> {
      const now = sql`now()`;
      await db.schema
        .createTable('run_protocols')
        .addColumn('run_id', 'text', (c) => c.primaryKey().references('runs.run_id'))
        .addColumn('protocol', 'jsonb', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
        .execute();

      await db.schema
        .createTable('run_validations')
        .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
        .addColumn('run_id', 'text', (c) => c.notNull().references('runs.run_id'))
        .addColumn('validation', 'jsonb', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
        .execute();
      // `latest(runId)`: an index scan backwards from the newest id of the run
      await db.schema.createIndex('run_validations_run').on('run_validations').columns(['run_id', 'id']).execute();
    },
  },

  // The quality-diversity archive (MAP-Elites): one elite per behaviour cell of a run, changed only together
  // with an iteration's record (`alphaloop_append_archive`, one statement). Runs stored before it have an empty archive.
  '0003_archive': {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('archive_cells')
        .addColumn('run_id', 'text', (c) => c.notNull().references('runs.run_id'))
        .addColumn('cell', 'text', (c) => c.notNull())
        .addColumn('strategy_id', 'text', (c) => c.notNull())
        .addColumn('score', 'double precision', (c) => c.notNull())
        .addColumn('children', 'integer', (c) => c.notNull().defaultTo(0).check(sql`children >= 0`))
        .addColumn('elite', 'jsonb', (c) => c.notNull())
        .addColumn('daily_returns', 'bytea', (c) => c.notNull().check(sql`octet_length(daily_returns) % 8 = 0`))
        .addColumn('iteration', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addPrimaryKeyConstraint('archive_cells_pkey', ['run_id', 'cell'])
        .execute();
      // `children + 1` of the parents, by strategy id
      await db.schema.createIndex('archive_cells_strategy').on('archive_cells').columns(['run_id', 'strategy_id']).execute();

      // An append with its archive change, as one statement: 0001's append (run counter, champion compare-and-set,
      // strategy, record) and then, only when that stored the record, the archive: evict, place, count children.
      await sql`
        create function alphaloop_append_archive(
          p_run_id text, p_iteration integer, p_source text, p_level smallint, p_strategy_id text, p_champion_updated boolean,
          p_record jsonb, p_code text, p_parent_id text, p_operator text, p_generation integer,
          p_expected_version integer, p_champion jsonb, p_champion_strategy_id text, p_champion_iteration integer,
          p_champion_code text, p_champion_source text,
          p_cell text, p_elite_strategy_id text, p_score double precision, p_children integer, p_elite jsonb,
          p_daily_returns bytea, p_elite_iteration integer, p_parent_ids jsonb, p_evict jsonb
        ) returns integer language plpgsql as $fn$
        begin
          if alphaloop_append(p_run_id, p_iteration, p_source, p_level, p_strategy_id, p_champion_updated, p_record, p_code,
                              p_parent_id, p_operator, p_generation, p_expected_version, p_champion, p_champion_strategy_id,
                              p_champion_iteration, p_champion_code, p_champion_source) = 0 then
            return 0; -- the champion compare-and-set did not apply: nothing is stored, the archive change neither
          end if;
          delete from archive_cells
          where run_id = p_run_id and cell in (select jsonb_array_elements_text(p_evict));
          if p_cell is not null then
            -- kept unless the cell holds an elite with a higher score (a worker that got there first with a better one)
            insert into archive_cells (run_id, cell, strategy_id, score, children, elite, daily_returns, iteration)
            values (p_run_id, p_cell, p_elite_strategy_id, p_score, p_children, p_elite, p_daily_returns, p_elite_iteration)
            on conflict (run_id, cell) do update
            set strategy_id = excluded.strategy_id, score = excluded.score, children = excluded.children, elite = excluded.elite,
                daily_returns = excluded.daily_returns, iteration = excluded.iteration, updated_at = now()
            where archive_cells.score <= excluded.score;
          end if;
          update archive_cells set children = children + 1
          where run_id = p_run_id and strategy_id in (select jsonb_array_elements_text(p_parent_ids));
          return 1;
        end
        $fn$`.execute(db);
    },
  },

  // Who holds each allocated iteration number: `allocateIteration` writes the claim in the same statement that
  // hands out the number, so a number whose process died before its record was stored is found again (a claim
  // without a record) and recorded as `interrupted` on the next start. Numbers handed out before this migration
  // have no claim (their gaps stay gaps).
  '0004_claims': {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('iteration_claims')
        .addColumn('run_id', 'text', (c) => c.notNull().references('runs.run_id'))
        .addColumn('iteration', 'integer', (c) => c.notNull())
        .addColumn('owner', 'text', (c) => c.notNull())
        .addColumn('claimed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addPrimaryKeyConstraint('iteration_claims_pkey', ['run_id', 'iteration'])
        .execute();
    },
  },
};

export const KNOWN_MIGRATIONS: readonly string[] = Object.keys(MIGRATIONS).sort();

/** Serves a migration list from memory (the same list from source, from a bundle, on either backend). */
export class InCodeMigrationProvider implements MigrationProvider {
  constructor(private readonly migrations: Readonly<Record<string, Migration>> = MIGRATIONS) {}

  getMigrations(): Promise<Record<string, Migration>> {
    return Promise.resolve({ ...this.migrations });
  }
}
