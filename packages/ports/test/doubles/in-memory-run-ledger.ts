import { okAsync, type ResultAsync } from 'neverthrow';
import type { RunProtocol, RunValidation } from '@alphaloop/domain';
import type { RunProtocolRepository, StorageError, ValidationRepository } from '../../src/index.js';

/** Test double: one protocol per run, the first one set wins (the contract's semantics). */
export class InMemoryRunProtocols implements RunProtocolRepository {
  private readonly protocols = new Map<string, RunProtocol>();

  get(runId: string): ResultAsync<RunProtocol | null, StorageError> {
    return okAsync(this.protocols.get(runId) ?? null);
  }

  setIfAbsent(runId: string, protocol: RunProtocol): ResultAsync<RunProtocol, StorageError> {
    const stored = this.protocols.get(runId);
    if (stored !== undefined) return okAsync(stored);
    const copy: RunProtocol = { ...protocol };
    this.protocols.set(runId, copy);
    return okAsync(copy);
  }
}

/** Test double: validations appended per run; `latest` is the last one saved. */
export class InMemoryValidations implements ValidationRepository {
  private readonly validations = new Map<string, RunValidation[]>();

  save(validation: RunValidation): ResultAsync<void, StorageError> {
    const list = this.validations.get(validation.runId) ?? [];
    list.push({ ...validation, strategyIds: [...validation.strategyIds] });
    this.validations.set(validation.runId, list);
    return okAsync(undefined);
  }

  latest(runId: string): ResultAsync<RunValidation | null, StorageError> {
    return okAsync(this.validations.get(runId)?.at(-1) ?? null);
  }

  /** Every validation saved for the run, oldest first (not part of the port; for tests). */
  all(runId: string): readonly RunValidation[] {
    return this.validations.get(runId) ?? [];
  }
}
