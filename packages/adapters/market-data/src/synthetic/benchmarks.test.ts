import { backtestGraph, engineError } from '@alphaloop/engine';
import { err } from 'neverthrow';
import { compileStrategy } from '@alphaloop/strategy';
import { describe, expect, it } from 'vitest';
import { loadLongCsv } from '../loaders/load.js';
import { ORACLE_SOURCE, createSyntheticMarket, measureBenchmarks, oracleStrategy, withBenchmarks, type BacktestFn } from './benchmarks.js';
import { generateSyntheticMarket } from './generate.js';

const small = generateSyntheticMarket({ seed: 9, symbols: 30, start: '2018-01-01', end: '2020-12-31' })._unsafeUnwrap();

describe('benchmarks', () => {
  it('compiles the oracle on the synthetic fields (adjusted close, revenue YoY)', () => {
    const oracle = oracleStrategy(small.compileContext())._unsafeUnwrap();
    expect(oracle.options.resample).toBe('M');
    expect(compileStrategy(ORACLE_SOURCE, small.compileContext()).isOk()).toBe(true);
  });

  it('states every planted signal in the strategy language', () => {
    for (const effect of small.metadata.synthetic?.effects ?? []) {
      const compiled = compileStrategy(`return (${effect.signal}).isLargest(10);`, small.compileContext());
      expect(compiled.isOk(), effect.name).toBe(true);
    }
    expect(small.metadata.synthetic?.effects).toHaveLength(4);
  });

  it('measures oracle, template and market with the engine call it is given, and stores them', () => {
    const calls: string[] = [];
    const counting: BacktestFn = (graph, market) => {
      calls.push(graph.nodes.find((n) => n.op === 'data')?.params[0] as string);
      return backtestGraph(graph, market);
    };
    const m = withBenchmarks(small, counting)._unsafeUnwrap();
    expect(calls).toHaveLength(3);
    const b = m.metadata.synthetic?.benchmarks;
    expect(b?.oracle.source).toContain('isLargest(20)');
    expect(b?.template.source).toContain("resample: 'M'");
    for (const s of [b?.oracle, b?.template, b?.market]) expect(Number.isFinite(s?.sharpe)).toBe(true);
    expect(m.frames).toBe(small.frames);
    expect(small.metadata.synthetic?.benchmarks).toBeNull();
  });

  it('createSyntheticMarket generates and measures in one call', () => {
    const m = createSyntheticMarket({ seed: 9, symbols: 30, start: '2018-01-01', end: '2020-12-31' })._unsafeUnwrap();
    expect(m.metadata.synthetic?.benchmarks?.oracle.sharpe).toBeCloseTo(withBenchmarks(small)._unsafeUnwrap().metadata.synthetic?.benchmarks?.oracle.sharpe as number, 12);
    expect(createSyntheticMarket({ symbols: -1 })._unsafeUnwrapErr().message).toContain('symbols');
  });

  it('turns an engine failure into an error value', () => {
    const failing: BacktestFn = () => err(engineError('calculation', 'boom'));
    expect(measureBenchmarks(small, failing)._unsafeUnwrapErr().message).toBe('oracle backtest failed: boom');
  });

  it('refuses to store benchmarks with loaded data, and needs revenue for the oracle', async () => {
    const loaded = (await loadLongCsv(new URL('../../test/fixtures/long.csv', import.meta.url).pathname))._unsafeUnwrap();
    expect(withBenchmarks(loaded)._unsafeUnwrapErr().message).toContain('only with synthetic markets');
    expect(oracleStrategy(loaded.compileContext())._unsafeUnwrapErr().message).toContain('does not compile');
  });
});

describe('the default market (smoke test: 300 symbols, 2012–2024)', () => {
  it('generates quickly, and its oracle beats the market, which beats the template', () => {
    const started = process.cpuUsage();
    const market = generateSyntheticMarket()._unsafeUnwrap();
    const used = process.cpuUsage(started);
    const cpuMs = (used.user + used.system) / 1000;
    expect(market.description).toMatchObject({ symbolCount: 300, startDate: '2012-01-02', endDate: '2024-12-31' });
    expect(market.description.dateCount).toBeGreaterThan(3100);
    expect(market.description.dateCount).toBeLessThan(3250);
    // CPU time, not wall time: the machine is shared. ~0.5–1 s; the bound only catches a gross regression.
    expect(cpuMs).toBeLessThan(6_000);
    const b = measureBenchmarks(market)._unsafeUnwrap();
    expect(b.oracle.sharpe).toBeGreaterThan(0.9);
    expect(b.market.sharpe).toBeGreaterThan(b.template.sharpe);
    expect(b.oracle.sharpe).toBeGreaterThan(b.market.sharpe + 0.3);
    expect(b.template.sharpe).toBeGreaterThan(-0.2);
    expect(b.template.sharpe).toBeLessThan(0.4);
  });
});
