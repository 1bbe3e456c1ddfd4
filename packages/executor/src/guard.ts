import { err, errAsync, ResultAsync, type Result } from 'neverthrow';
import { describeThrown, type AdapterThrew } from './error-mapping.js';

/**
 * Calls a port and turns a contract violation — a synchronous throw or a rejected promise — into an
 * error value, so that no exception from an adapter can escape an iteration.
 */
export function guardPort<T, E>(call: () => ResultAsync<T, E>): ResultAsync<T, E | AdapterThrew> {
  try {
    return new ResultAsync(
      Promise.resolve(call()).then(
        (result): Result<T, E | AdapterThrew> => result,
        (thrown: unknown): Result<T, E | AdapterThrew> => err({ kind: 'adapter_threw', message: describeThrown(thrown) }),
      ),
    );
  } catch (thrown) {
    return errAsync({ kind: 'adapter_threw', message: describeThrown(thrown) });
  }
}
