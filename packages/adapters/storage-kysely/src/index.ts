export { openStorage, migrate, appliedMigrations, describePostgres, type Storage, type StorageConfig } from './open-storage.js';
export { KyselyHistoryRepository, KyselyChampionRepository } from './history-repository.js';
export { KyselyArchiveRepository } from './archive-repository.js';
export { KyselyRunProtocolRepository, KyselyValidationRepository } from './run-ledger.js';
export { KyselyLlmCallLedger, type LlmCallEntry, type LlmSpend } from './llm-call-ledger.js';
export { KyselyRunCatalog, type RunSummary } from './run-catalog.js';
export { KyselyBacktestCache, canonicalJson, optionsHash, type BacktestCacheKey } from './backtest-cache.js';
export {
  importJsonl,
  importJsonlFile,
  exportRunJsonl,
  exportRunJsonlFile,
  type ExportReport,
  type ImportIssue,
  type ImportOptions,
  type ImportReport,
  type ProtocolRefusal,
  type RunStores,
} from './run-transfer.js';
export {
  parseJsonlLine,
  parseExportLine,
  exportLine,
  EXPORT_FORMAT,
  fromOriginalRecord,
  categoryOf,
  nullifyNonFiniteTokens,
  type ExportEntry,
  type JsonlFormat,
} from './jsonl.js';
export { PGliteDialect, PGliteDriver, Mutex } from './pglite-dialect.js';
export { MIGRATIONS, KNOWN_MIGRATIONS, InCodeMigrationProvider } from './migrations.js';
export { toStorageError, SETTINGS, type StorageLocation } from './storage-errors.js';
export { decodeRecord, decodeChampion, decodeProtocol, decodeValidation, decodeElite, encodeDailyReturns, decodeDailyReturns } from './record-codec.js';
export type { Database } from './schema.js';
