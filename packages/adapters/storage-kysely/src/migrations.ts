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
