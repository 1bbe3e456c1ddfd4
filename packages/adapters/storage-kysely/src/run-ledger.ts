import { errAsync, okAsync, ResultAsync, type Result } from 'neverthrow';
import type { Kysely } from 'kysely';
import type { RunProtocol, RunValidation } from '@alphaloop/domain';
import type { RunProtocolRepository, StorageError, ValidationRepository } from '@alphaloop/ports';
import { decodeProtocol, decodeValidation, fromStoredJson, storable, toStoredJson } from './record-codec.js';
import type { Database } from './schema.js';
import { toStorageError, type StorageLocation } from './storage-errors.js';

/** The run's row in `runs` (next iteration 0 when new), which the ledger tables reference; never changes an existing one. */
async function ensureRun(db: Kysely<Database>, runId: string): Promise<void> {
  await db
    .insertInto('runs')
    .values({ run_id: runId, next_iteration: 0 })
    .onConflict((oc) => oc.column('run_id').doNothing())
    .execute();
}

/** A stored JSON value through its codec: a row that does not decode is `storage_corrupt_row`, naming the run. */
function decoded<T>(value: unknown, decode: (json: unknown) => Result<T, string>, operation: string, what: string): ResultAsync<T, StorageError> {
  const result = decode(fromStoredJson(value));
  return result.isOk() ? okAsync(result.value) : errAsync({ kind: 'storage_corrupt_row', message: `${operation}: the stored ${what} is corrupt (${result.error})` });
}

/** The protocol port on Kysely: `run_protocols`, one row per run, the first writer's row kept. */
export class KyselyRunProtocolRepository implements RunProtocolRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly location: StorageLocation,
  ) {}

  get(runId: string): ResultAsync<RunProtocol | null, StorageError> {
    const operation = `read the protocol of run "${runId}"`;
    return this.read(runId, operation).andThen((row) =>
      row === undefined ? okAsync<RunProtocol | null, StorageError>(null) : decoded<RunProtocol | null>(row.protocol, decodeProtocol, operation, 'protocol'),
    );
  }

  setIfAbsent(runId: string, protocol: RunProtocol): ResultAsync<RunProtocol, StorageError> {
    const operation = `store the protocol of run "${runId}"`;
    const readable = storable(protocol, decodeProtocol);
    if (readable.isErr()) return errAsync({ kind: 'storage_failure', message: `${operation}: invalid protocol: ${readable.error}` });
    // Each statement is safe to race: the run row and the protocol row are inserted only if absent (a racing
    // insert of the same key waits for the other's commit, then does nothing), and the read afterwards sees
    // whichever protocol was committed first.
    const write = (async () => {
      await ensureRun(this.db, runId);
      await this.db
        .insertInto('run_protocols')
        .values({ run_id: runId, protocol: toStoredJson(protocol) })
        .onConflict((oc) => oc.column('run_id').doNothing())
        .execute();
    })();
    return ResultAsync.fromPromise(write, (e) => toStorageError(e, this.location, operation))
      .andThen(() => this.read(runId, operation))
      .andThen((row) =>
        row === undefined
          ? errAsync<RunProtocol, StorageError>({ kind: 'storage_failure', message: `${operation}: the protocol is not there after it was stored` })
          : decoded(row.protocol, decodeProtocol, operation, 'protocol'),
      );
  }

  private read(runId: string, operation: string): ResultAsync<{ readonly protocol: unknown } | undefined, StorageError> {
    const query = this.db.selectFrom('run_protocols').select('protocol').where('run_id', '=', runId).executeTakeFirst();
    return ResultAsync.fromPromise(query, (e) => toStorageError(e, this.location, operation));
  }
}

/** The validation port on Kysely: `run_validations`, appended; the newest (highest id) is the latest. */
export class KyselyValidationRepository implements ValidationRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly location: StorageLocation,
  ) {}

  save(validation: RunValidation): ResultAsync<void, StorageError> {
    const runId = validation.runId;
    const operation = `store a validation of run "${runId}"`;
    const readable = storable(validation, decodeValidation);
    if (readable.isErr()) return errAsync({ kind: 'storage_failure', message: `${operation}: invalid validation: ${readable.error}` });
    const write = (async () => {
      await ensureRun(this.db, runId);
      await this.db.insertInto('run_validations').values({ run_id: runId, validation: toStoredJson(validation) }).execute();
    })();
    return ResultAsync.fromPromise(write, (e) => toStorageError(e, this.location, operation));
  }

  latest(runId: string): ResultAsync<RunValidation | null, StorageError> {
    const operation = `read the latest validation of run "${runId}"`;
    const query = this.db.selectFrom('run_validations').select('validation').where('run_id', '=', runId).orderBy('id', 'desc').limit(1).executeTakeFirst();
    return ResultAsync.fromPromise(query, (e) => toStorageError(e, this.location, operation)).andThen((row) =>
      row === undefined
        ? okAsync<RunValidation | null, StorageError>(null)
        : decoded<RunValidation | null>(row.validation, decodeValidation, operation, 'validation'),
    );
  }
}
