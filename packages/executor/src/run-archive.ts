import { inject, injectable } from 'inversify';
import { okAsync, type ResultAsync } from 'neverthrow';
import type { ArchiveElite } from '@alphaloop/domain';
import { TOKENS, type ArchiveChange, type ArchiveRepository, type StorageError } from '@alphaloop/ports';
import { EXECUTOR_TOKENS, type ExecutorConfig } from './executor-config.js';

/**
 * The run's archive as the executor sees it: read from storage once, then kept in step with what each stored
 * record changed (the same `ArchiveChange` storage applied). Another worker's placements are seen after `reload`.
 */
@injectable()
export class RunArchive {
  private cells: Map<string, ArchiveElite> | null = null;

  constructor(
    @inject(TOKENS.ArchiveRepository) private readonly repository: ArchiveRepository,
    @inject(EXECUTOR_TOKENS.Config) private readonly config: ExecutorConfig,
  ) {}

  /** Every elite, by cell key ascending. */
  elites(): ResultAsync<readonly ArchiveElite[], StorageError> {
    if (this.cells !== null) return okAsync(this.sorted(this.cells));
    return this.repository.load(this.config.runId).map((elites) => {
      this.cells = new Map(elites.map((e) => [e.cell, e]));
      return this.sorted(this.cells);
    });
  }

  /** What storage did with a change it accepted: the placement (unless a better elite holds the cell), then the parents' children. */
  applied(change: ArchiveChange): void {
    const cells = this.cells;
    if (cells === null) return;
    for (const cell of change.evict ?? []) cells.delete(cell);
    const place = change.place;
    if (place !== null) {
      const held = cells.get(place.cell);
      if (held === undefined || (held.evidence.score ?? Number.NEGATIVE_INFINITY) <= (place.evidence.score ?? Number.NEGATIVE_INFINITY)) cells.set(place.cell, place);
    }
    for (const [cell, elite] of cells) {
      if (change.parentIds.includes(elite.strategyId)) cells.set(cell, { ...elite, children: elite.children + 1 });
    }
  }

  reload(): void {
    this.cells = null;
  }

  private sorted(cells: ReadonlyMap<string, ArchiveElite>): ArchiveElite[] {
    return [...cells.values()].sort((a, b) => (a.cell < b.cell ? -1 : a.cell > b.cell ? 1 : 0));
  }
}
