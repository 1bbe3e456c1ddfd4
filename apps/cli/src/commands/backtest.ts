import { readFile } from 'node:fs/promises';
import type { StrategyMetrics } from '@alphaloop/domain';
import { assessBacktest, robustScore } from '@alphaloop/domain';
import { createBacktest, marketWarningLines, openMarket } from '../app.js';
import { protocolFor } from '../protocol.js';
import type { MainIo } from '../io.js';
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
export async function backtestCommand(settings: Settings, file: string, io: MainIo, json: boolean, strategyCosts = false): Promise<number> {
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
    return market.error.exitCode;
  }
  for (const line of marketWarningLines(market.value)) io.stderr.write(line);
  const protocol = protocolFor(settings, market.value);
  if (protocol.isErr()) {
    io.stderr.write(`alphaloop: ${protocol.error.message}\n`);
    return 2;
  }
  // like the loop, the run's costs by default; --strategy-costs keeps a FinLab port's own (the loop would refuse it)
  const backtest = await createBacktest(settings, market.value, protocol.value, 'in-process', strategyCosts ? 'strategy' : 'run');
  if (backtest.isErr()) {
    io.stderr.write(`alphaloop: ${backtest.error.message}\n`);
    return 1;
  }
  const outcome = await backtest.value.run({ code, holdout: true });
  await backtest.value.close?.();
  if (outcome.isErr()) {
    const error = outcome.error;
    if (json) io.stdout.write(`${JSON.stringify({ ok: false, error })}\n`);
    else {
      const prefix = error.kind === 'backtest_invalid_strategy' ? `${file}:` : `${file}: `;
      io.stderr.write(`${error.message.split('\n').map((line) => `${prefix}${line}`).join('\n')}\n`);
      if (/is set by the run, not by the strategy/.test(error.message)) {
        io.stderr.write(
          'alphaloop: the run sets costs (--fee-ratio, --tax-ratio; FinLab Taiwan by default). To measure a FinLab port with its own costs, pass --strategy-costs (the loop would still reject it).\n',
        );
      }
    }
    return 1;
  }
  const { metrics, holdoutMetrics, strategyId, canonicalCode, folds, costs } = outcome.value;
  const p = protocol.value;
  // the same verdict the loop gives: one function
  const assessed = assessBacktest(metrics);
  const costNote =
    costs.setBy === 'strategy'
      ? `the strategy sets its own costs (fee ${costs.feeRatio}, tax ${costs.taxRatio}): honoured here for a FinLab port, but the loop rejects a strategy that sets feeRatio or taxRatio — the run sets costs`
      : null;
  if (json) {
    io.stdout.write(
      `${JSON.stringify({
        ok: true,
        strategyId,
        level: assessed.isOk() ? assessed.value.level : 0,
        metrics,
        folds,
        score: robustScore(folds),
        holdoutStart: p.holdoutStart,
        holdoutMetrics,
        costs,
        suspicious: assessed.isOk() ? assessed.value.suspicious : [],
        error: assessed.isErr() ? assessed.error.message : null,
        note: costNote,
        canonicalCode,
      })}\n`,
    );
    return 0;
  }
  const lines = [
    `${file}: strategy ${strategyId} on ${market.value.description.name}`,
    ...metricLines(p.holdoutStart === null ? 'whole period (no holdout):' : `in-sample (${p.inSampleStart} … ${p.inSampleEnd}):`, metrics),
    `  folds: ${folds.map((f) => `${f.start}…${f.end} ${fmt(f.sharpe, 2)}`).join(' | ')}   robust score ${fmt(robustScore(folds))}`,
    ...(holdoutMetrics ? metricLines(`holdout (from ${p.holdoutStart ?? ''}):`, holdoutMetrics) : []),
    `costs: fee ${costs.feeRatio} per side, tax ${costs.taxRatio} on sells (${costs.setBy === 'run' ? 'the run’s' : 'the strategy’s own'})`,
  ];
  if (assessed.isErr()) lines.push(`level 0: ${assessed.error.message} — the loop stores this as a calculation failure`);
  else {
    lines.push(`level ${assessed.value.level}: ${assessed.value.reason}`);
    for (const flag of assessed.value.suspicious) lines.push(`suspicious: ${flag} — kept, and flagged in the loop too`);
  }
  if (costNote !== null) lines.push(`note: ${costNote}`);
  io.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
