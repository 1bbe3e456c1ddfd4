import { readFile } from 'node:fs/promises';
import type { StrategyMetrics } from '@alphaloop/domain';
import { classify, validateMetrics } from '@alphaloop/domain';
import { createBacktest, openMarket } from '../app.js';
import type { MainIo } from '../main.js';
import type { Settings } from '../settings.js';

const fmt = (v: number | null, digits = 3) => (v === null ? '—' : v.toFixed(digits));
const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(2)}%`);

function metricLines(title: string, m: StrategyMetrics): string[] {
  return [
    title,
    `  Sharpe ${fmt(m.sharpe)}   Sortino ${fmt(m.sortino)}   Calmar ${fmt(m.calmar)}`,
    `  total return ${pct(m.totalReturn)}   CAGR ${pct(m.cagr)}   max drawdown ${pct(m.maxDrawdown)}   volatility ${pct(m.volatility)}`,
    `  trades ${m.trades ?? '—'}   win rate ${pct(m.winRate)}   turnover ${fmt(m.turnover, 2)}×/year`,
  ];
}

/** `alphaloop backtest FILE`: one strategy on the market, in process; errors name line and column. */
export async function backtestCommand(settings: Settings, file: string, io: MainIo, json: boolean): Promise<number> {
  let code: string;
  try {
    code = await readFile(file, 'utf8');
  } catch (error) {
    io.stderr.write(`alphaloop: cannot read ${file}: ${(error as Error).message}\n`);
    return 2;
  }
  const market = await openMarket(settings);
  if (market.isErr()) {
    io.stderr.write(`alphaloop: ${market.error.message}\n`);
    return 1;
  }
  const backtest = await createBacktest(settings, market.value, 'in-process');
  if (backtest.isErr()) {
    io.stderr.write(`alphaloop: ${backtest.error.message}\n`);
    return 1;
  }
  const outcome = await backtest.value.run({ code });
  await backtest.value.close?.();
  if (outcome.isErr()) {
    const error = outcome.error;
    if (json) io.stdout.write(`${JSON.stringify({ ok: false, error })}\n`);
    else {
      const prefix = error.kind === 'backtest_invalid_strategy' ? `${file}:` : `${file}: `;
      io.stderr.write(`${error.message.split('\n').map((line) => `${prefix}${line}`).join('\n')}\n`);
    }
    return 1;
  }
  const { metrics, holdoutMetrics, strategyId, canonicalCode } = outcome.value;
  const sane = validateMetrics(metrics);
  const level = classify(true, metrics);
  if (json) {
    io.stdout.write(`${JSON.stringify({ ok: true, strategyId, level: level.level, metrics, holdoutMetrics, canonicalCode, sanity: sane.isErr() ? sane.error.message : null })}\n`);
    return 0;
  }
  const lines = [
    `${file}: strategy ${strategyId} on ${market.value.description.name}`,
    ...metricLines(settings.backtest.holdoutStart ? `in-sample (before ${settings.backtest.holdoutStart}):` : 'whole period:', metrics),
    ...(holdoutMetrics ? metricLines(`holdout (from ${settings.backtest.holdoutStart}):`, holdoutMetrics) : []),
    `level ${level.level}: ${level.reason}`,
  ];
  if (sane.isErr()) lines.push(`warning: ${sane.error.message} — the loop would reject this result`);
  io.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
