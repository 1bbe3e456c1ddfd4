import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { createInterface } from 'node:readline';
import { errAsync, ResultAsync } from 'neverthrow';
import { protocolDifferences, type Champion } from '@alphaloop/domain';
import type { ArchiveRepository, ChampionRepository, RunProtocolRepository, StorageError, ValidationRepository } from '@alphaloop/ports';
import type { KyselyHistoryRepository } from './history-repository.js';
import { exportLine, parseExportLine } from './jsonl.js';

/**
 * `export` and `import` of a whole run as JSONL (the line formats are in `jsonl.ts`). An export is, in this order:
 * a header, the protocol, every record by ascending iteration, every champion the run has had (ascending version),
 * the archive's elites and the latest validation — everything a run needs to be shown and resumed. An import
 * restores each part without ever replacing what the target run already holds (see `ImportReport`), so running it
 * again adds nothing and an interrupted import can simply be run again.
 */

/** The stores a run lives in (a `Storage` is one). */
export interface RunStores {
  readonly history: Pick<KyselyHistoryRepository, 'append' | 'page' | 'restoreElite'>;
  readonly champions: ChampionRepository & { history(runId: string): ResultAsync<readonly Champion[], StorageError> };
  readonly archive: ArchiveRepository;
  readonly protocols: RunProtocolRepository;
  readonly validations: ValidationRepository;
}

export interface ImportIssue {
  /** 1-based line number in the input. */
  readonly line: number;
  readonly message: string;
}

/** What an import did with each part; what the target already held is never replaced. */
export interface ImportReport {
  /** Non-blank lines read. */
  readonly lines: number;
  readonly imported: number;
  /** Records whose (run, iteration) was already stored (an earlier import, or earlier in this file). */
  readonly alreadyPresent: number;
  readonly invalid: readonly ImportIssue[];
  /** `stored`: the target had none; `same`: it had this one; null: the file has none (an export before format 2). */
  readonly protocol: 'stored' | 'same' | null;
  readonly champion: {
    /** Versions in the file. */
    readonly versions: number;
    readonly restored: number;
    readonly alreadyPresent: number;
    /** Why the file's champions were not imported (the target has a champion history of its own), or null. */
    readonly conflict: string | null;
  };
  readonly archive: { readonly elites: number; readonly restored: number; readonly alreadyPresent: number; readonly occupied: number };
  readonly validation: 'restored' | 'present' | null;
}

export interface ImportOptions {
  /** The run the file goes into (the original format has no run id; ours is re-labelled). */
  readonly runId: string;
}

/** An import refused as a whole before anything was written: the file's run was measured under another protocol. */
export interface ProtocolRefusal {
  readonly kind: 'protocol_mismatch';
  readonly message: string;
  readonly differences: readonly string[];
}

type Lines = string | Iterable<string> | AsyncIterable<string>;

async function* linesOf(input: Lines): AsyncIterable<string> {
  if (typeof input === 'string') {
    yield* input.split(/\r?\n/);
    return;
  }
  yield* input;
}

/** Thrown inside the import's loop to leave it with a typed error. */
class StopImport extends Error {
  constructor(readonly error: StorageError | ProtocolRefusal) {
    super(error.message);
  }
}

/** The value of a Result that went well (the other side of each `.match` throws). */
const keep = <T>(value: T): T => value;

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * Imports JSONL (a whole text, or lines) into `options.runId`. Bad lines are reported with their number and
 * skipped. A protocol that differs from the target run's refuses the whole import (nothing written: the protocol
 * line comes before the records). Stops with the storage error if the database fails; what was stored stays
 * stored, and running again resumes safely.
 */
export function importJsonl(stores: RunStores, input: Lines, options: ImportOptions): ResultAsync<ImportReport, StorageError | ProtocolRefusal> {
  return ResultAsync.fromPromise(runImport(stores, input, options), (e) =>
    e instanceof StopImport ? e.error : ({ kind: 'storage_failure', message: `cannot read the JSONL input: ${e instanceof Error ? e.message : String(e)}` } satisfies StorageError),
  );
}

async function runImport(stores: RunStores, input: Lines, { runId }: ImportOptions): Promise<ImportReport> {
  const stopAt = (line: number) => (error: StorageError): never => {
    throw new StopImport({ ...error, message: `line ${line}: ${error.message}` });
  };
  let lineNo = 0;
  let lines = 0;
  let imported = 0;
  let alreadyPresent = 0;
  const invalid: ImportIssue[] = [];
  let protocol: ImportReport['protocol'] = null;
  const champion = { versions: 0, restored: 0, alreadyPresent: 0, conflict: null as string | null };
  let held: readonly Champion[] | null = null; // the target's champion history, read at the first champion line
  const archive = { elites: 0, restored: 0, alreadyPresent: 0, occupied: 0 };
  let validation: ImportReport['validation'] = null;
  try {
    for await (const raw of linesOf(input)) {
      lineNo += 1;
      const text = (lineNo === 1 ? raw.replace(/^\uFEFF/, '') : raw).trim();
      if (text === '') continue;
      lines += 1;
      const parsed = parseExportLine(text, runId);
      if (parsed.isErr()) {
        invalid.push({ line: lineNo, message: parsed.error });
        continue;
      }
      const entry = parsed.value;
      switch (entry.kind) {
        case 'header':
          break;
        case 'protocol': {
          const before = await stores.protocols.get(runId).match(keep, stopAt(lineNo));
          const stored = before ?? (await stores.protocols.setIfAbsent(runId, entry.protocol).match(keep, stopAt(lineNo)));
          const differences = protocolDifferences(stored, entry.protocol);
          if (differences.length > 0) {
            throw new StopImport({
              kind: 'protocol_mismatch',
              differences,
              message: `run '${runId}' was started under another protocol than the file's (${differences.join('; ')}): its records are not trials of the same search. Nothing was imported — import into a new run with --run NAME`,
            });
          }
          protocol = before === null ? 'stored' : 'same';
          break;
        }
        case 'record': {
          const saved = await stores.history.append(entry.record);
          if (saved.isOk()) imported += 1;
          else if (saved.error.kind === 'storage_duplicate') alreadyPresent += 1;
          else throw new StopImport({ kind: saved.error.kind === 'champion_conflict' ? 'storage_failure' : saved.error.kind, message: `line ${lineNo}: ${saved.error.message}` });
          break;
        }
        case 'champion': {
          const next = entry.champion;
          champion.versions += 1;
          if (next.version !== champion.versions) {
            invalid.push({ line: lineNo, message: `champion version ${next.version} where version ${champion.versions} was expected (champions are listed from version 1 up)` });
            champion.versions -= 1;
            break;
          }
          if (champion.conflict !== null) break;
          held ??= await stores.champions.history(runId).match(keep, stopAt(lineNo));
          const own = held[next.version - 1];
          if (own !== undefined) {
            if (own.strategyId === next.strategyId && own.iteration === next.iteration) champion.alreadyPresent += 1;
            else champion.conflict = `run '${runId}' has a champion history of its own (version ${own.version}: ${own.strategyId} from iteration ${own.iteration}; the file's: ${next.strategyId} from iteration ${next.iteration}); it is kept and the file's champions are not imported`;
            break;
          }
          const set = await stores.champions.compareAndSet(runId, next.version - 1, next);
          if (set.isOk()) champion.restored += 1;
          else if (set.error.kind === 'champion_conflict') champion.conflict = `run '${runId}' got another champion while importing (${set.error.message}); the file's later champions are not imported`;
          else throw new StopImport({ ...set.error, message: `line ${lineNo}: ${set.error.message}` });
          break;
        }
        case 'elite': {
          archive.elites += 1;
          const outcome = await stores.history.restoreElite(runId, entry.elite).match(keep, stopAt(lineNo));
          if (outcome === 'restored') archive.restored += 1;
          else if (outcome === 'present') archive.alreadyPresent += 1;
          else archive.occupied += 1;
          break;
        }
        case 'validation': {
          const latest = await stores.validations.latest(runId).match(keep, stopAt(lineNo));
          if (latest !== null && sameJson(latest, entry.validation)) validation = 'present';
          else {
            await stores.validations.save(entry.validation).match(keep, stopAt(lineNo));
            validation = 'restored';
          }
          break;
        }
      }
    }
  } catch (e) {
    if (e instanceof StopImport) throw e;
    throw new StopImport({ kind: 'storage_failure', message: `cannot read the JSONL input after line ${lineNo}: ${e instanceof Error ? e.message : String(e)}` });
  }
  return { lines, imported, alreadyPresent, invalid, protocol, champion, archive, validation };
}

/** `importJsonl` over a file, read line by line (any size). */
export function importJsonlFile(stores: RunStores, path: string, options: ImportOptions): ResultAsync<ImportReport, StorageError | ProtocolRefusal> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Number.POSITIVE_INFINITY });
  return importJsonl(stores, lines, options).mapErr((e) => ({ ...e, message: `${path}: ${e.message}` }));
}

class StopExport extends Error {
  constructor(readonly error: StorageError) {
    super(error.message);
  }
}

/** What an export wrote. */
export interface ExportReport {
  readonly records: number;
  readonly champions: number;
  readonly elites: number;
  readonly protocol: boolean;
  readonly validation: boolean;
}

/**
 * Writes a run as JSONL through `write` (one call per line, newline included): the header, the protocol, the
 * records by ascending iteration (`pageSize` at a time), the champion history, the archive and the latest
 * validation.
 */
export function exportRunJsonl(
  stores: RunStores,
  runId: string,
  write: (line: string) => void | Promise<void>,
  pageSize = 500,
): ResultAsync<ExportReport, StorageError> {
  const stopExport = (error: StorageError): never => {
    throw new StopExport(error);
  };
  const run = async (): Promise<ExportReport> => {
    await write(`${exportLine.header(runId)}\n`);
    const protocol = await stores.protocols.get(runId).match(keep, stopExport);
    if (protocol !== null) await write(`${exportLine.protocol(protocol)}\n`);
    let records = 0;
    for (;;) {
      const page = await stores.history.page(runId, { offset: records, limit: pageSize }).match(keep, stopExport);
      for (const record of page) await write(`${exportLine.record(record)}\n`);
      records += page.length;
      if (page.length < pageSize) break;
    }
    const champions = await stores.champions.history(runId).match(keep, stopExport);
    for (const champion of champions) await write(`${exportLine.champion(champion)}\n`);
    const elites = await stores.archive.load(runId).match(keep, stopExport);
    for (const elite of elites) await write(`${exportLine.elite(elite)}\n`);
    const validation = await stores.validations.latest(runId).match(keep, stopExport);
    if (validation !== null) await write(`${exportLine.validation(validation)}\n`);
    return { records, champions: champions.length, elites: elites.length, protocol: protocol !== null, validation: validation !== null };
  };
  return ResultAsync.fromPromise(run(), (e) =>
    e instanceof StopExport ? e.error : ({ kind: 'storage_failure', message: `cannot write the JSONL export: ${e instanceof Error ? e.message : String(e)}` } satisfies StorageError),
  );
}

/** `exportRunJsonl` into a file (created or truncated). */
export function exportRunJsonlFile(stores: RunStores, runId: string, path: string): ResultAsync<ExportReport, StorageError> {
  const out = createWriteStream(path, { encoding: 'utf8' });
  const done = finished(out);
  done.catch(() => undefined); // observed below; this only keeps an early failure from being "unhandled"
  const write = async (line: string): Promise<void> => {
    if (!out.write(line)) await Promise.race([once(out, 'drain'), done]);
  };
  const fileError = (e: unknown): StorageError => ({ kind: 'storage_failure', message: `cannot write ${path}: ${e instanceof Error ? e.message : String(e)}` });
  return exportRunJsonl(stores, runId, write)
    .andThen((report) => {
      out.end();
      return ResultAsync.fromPromise(done, fileError).map(() => report);
    })
    .orElse((e) => {
      out.destroy();
      return errAsync<ExportReport, StorageError>(e.message.includes(path) ? e : { ...e, message: `${path}: ${e.message}` });
    });
}
