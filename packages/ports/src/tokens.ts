/** Dependency-injection tokens. `Symbol.for` keeps identity stable if a module is loaded twice. */
export const TOKENS = {
  Llm: Symbol.for('alphaloop.ports.Llm'),
  StrategyGenerator: Symbol.for('alphaloop.ports.StrategyGenerator'),
  Backtest: Symbol.for('alphaloop.ports.Backtest'),
  HistoryRepository: Symbol.for('alphaloop.ports.HistoryRepository'),
  ChampionRepository: Symbol.for('alphaloop.ports.ChampionRepository'),
  ArchiveRepository: Symbol.for('alphaloop.ports.ArchiveRepository'),
  MarketData: Symbol.for('alphaloop.ports.MarketData'),
  Clock: Symbol.for('alphaloop.ports.Clock'),
  Random: Symbol.for('alphaloop.ports.Random'),
  Logger: Symbol.for('alphaloop.ports.Logger'),
} as const;

export type TokenName = keyof typeof TOKENS;
