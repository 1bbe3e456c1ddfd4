import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import type pg from 'pg';
import { isConnectionLost } from './storage-errors.js';

/** How long, and how often, a statement whose connection was lost is tried again on a new one. */
export interface ReconnectPolicy {
  /** Give up after this long (the last error then reaches the caller, with how long was tried). */
  readonly forMs: number;
  /** The first wait; each next one doubles, up to `maxDelayMs`. */
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RECONNECT: ReconnectPolicy = { forMs: 30_000, firstDelayMs: 250, maxDelayMs: 4_000 };

const TRANSACTION_START = /^\s*(begin|start\s+transaction)\b/i;
const TRANSACTION_END = /^\s*(commit|rollback|end|abort)\b/i;
const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/**
 * The pool Kysely sees: every client it hands out carries an error handler (a checked-out client whose backend is
 * terminated emits 'error'; unhandled, that kills the process), and a statement that fails because its
 * connection was lost is sent again on a new connection, with backoff, for a bounded time — unless it runs inside
 * a transaction, whose earlier statements died with the connection (then the error goes to the caller at once).
 * Every statement alphaloop writes with is one statement (one transaction), so sending it again either finds it
 * not applied or meets its own effect (the history repository recognises its own record).
 *
 * Retrying starts only once `arm()` is called (after the database opened): at start-up a refused connection is a
 * wrong setting, said at once, not waited on.
 */
export class ReconnectingPool implements PostgresPool {
  private armed = false;
  /** Statements (and connects) sent again so far. */
  resent = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly policy: ReconnectPolicy = DEFAULT_RECONNECT,
    private readonly onRetry: (waitedMs: number, cause: unknown) => void = () => undefined,
  ) {
    // An idle client whose server went away emits 'error' on the pool; the next statement reports it as a value.
    pool.on('error', () => undefined);
    pool.on('connect', (client) => client.on('error', () => undefined));
  }

  arm(): void {
    this.armed = true;
  }

  async connect(): Promise<PostgresPoolClient> {
    const client = await this.retrying(() => this.pool.connect());
    return new ReconnectingClient(client, this);
  }

  end(): Promise<void> {
    return this.pool.end();
  }

  /** `attempt` until it succeeds, fails for another reason than a lost connection, or the policy's time is up. */
  async retrying<T>(attempt: () => Promise<T>, before: () => void = () => undefined): Promise<T> {
    const started = performance.now();
    let delay = this.policy.firstDelayMs;
    for (;;) {
      try {
        return await attempt();
      } catch (error) {
        if (!this.armed || !isConnectionLost(error) || (error as { retryable?: boolean }).retryable === false) throw error;
        const waited = performance.now() - started;
        if (waited >= this.policy.forMs) throw gaveUp(error, waited);
        this.onRetry(waited, error);
        this.resent += 1;
        await sleep(Math.min(delay, this.policy.forMs - waited));
        delay = Math.min(delay * 2, this.policy.maxDelayMs);
        before();
      }
    }
  }

  /** A fresh client from the real pool (no retry of its own: the caller's loop retries). */
  fresh(): Promise<pg.PoolClient> {
    return this.pool.connect();
  }
}

class ReconnectingClient implements PostgresPoolClient {
  private inTransaction = false;

  constructor(
    private client: pg.PoolClient | null,
    private readonly owner: ReconnectingPool,
  ) {}

  query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>;
  query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
  query<R>(sqlOrCursor: string | PostgresCursor<R>, parameters?: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
    if (typeof sqlOrCursor !== 'string') return this.current().query(sqlOrCursor as never) as unknown as PostgresCursor<R>;
    const sql = sqlOrCursor;
    const once = async (): Promise<PostgresQueryResult<R>> => {
      this.client ??= await this.owner.fresh();
      try {
        const result = (await this.client.query(sql, parameters === undefined ? [] : [...parameters])) as unknown as PostgresQueryResult<R>;
        if (TRANSACTION_START.test(sql)) this.inTransaction = true;
        else if (TRANSACTION_END.test(sql)) this.inTransaction = false;
        return result;
      } catch (error) {
        if (isConnectionLost(error)) this.discard(error as Error);
        if (this.inTransaction || TRANSACTION_END.test(sql)) {
          // the transaction died with its connection: the caller must see it, not a half-replayed transaction
          this.inTransaction = false;
          throw Object.assign(error as Error, { retryable: false });
        }
        throw error;
      }
    };
    return this.owner.retrying(once);
  }

  release(destroy?: boolean): void {
    const client = this.client;
    this.client = null;
    client?.release(destroy === true);
  }

  private current(): pg.PoolClient {
    if (this.client === null) throw new Error('the connection was lost and not replaced');
    return this.client;
  }

  /** The lost connection goes back to the pool marked broken (so it is closed, not reused). */
  private discard(error: Error): void {
    this.client?.release(error);
    this.client = null;
  }
}

function gaveUp(error: unknown, waitedMs: number): unknown {
  if (!(error instanceof Error)) return error;
  error.message = `${error.message}; still lost after trying again for ${(waitedMs / 1000).toFixed(0)} s`;
  return error;
}
