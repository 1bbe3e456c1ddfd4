import { reindexFfill, type Frame } from '@alphaloop/engine';
import { describe, expect, it } from 'vitest';
import { testMarket } from '../test/support/market.js';
import { openSharedMarket, prepareMarket, shareMarket, sharedBytes } from './market.js';

describe('prepareMarket', () => {
  const { market, context, frames } = testMarket({ dates: 60, symbols: 5 });
  const prepared = prepareMarket(market, context)._unsafeUnwrap();
  const close = frames.get('price:close') as Frame;

  it('keeps frames on the grid as they are and puts the others on it once, as the engine would', () => {
    expect(prepared.fields.get('price:close')).toBe(close);
    const revenue = frames.get('monthly_revenue:revenue') as Frame;
    const onGrid = prepared.fields.get('monthly_revenue:revenue') as Frame;
    expect(onGrid.dates).toBe(close.dates);
    expect(onGrid.symbols).toBe(close.symbols);
    expect(onGrid.values).toEqual(reindexFfill(revenue, close.dates, close.symbols).values);
    expect([prepared.rows, prepared.cols]).toEqual([60, 5]);
  });

  it('registers the context aliases the market resolves', () => {
    const resolving = { ...market, fields: { get: (k: string) => frames.get(k === 'price:收盤價' ? 'price:close' : k) } };
    const p = prepareMarket(resolving, context)._unsafeUnwrap();
    expect(p.fields.get('price:收盤價')).toBe(close);
    expect(p.fields.has('fundamental_features:roe')).toBe(false);
  });

  it('refuses a market it cannot run on, with a configuration error', () => {
    const empty: Frame = { dates: [], symbols: [], values: new Float64Array(0) };
    expect(prepareMarket({ fields: new Map(), prices: { close: empty } }, context)._unsafeUnwrapErr().kind).toBe('backtest_config_invalid');
    const broken: Frame = { dates: [3, 2], symbols: ['a'], values: new Float64Array(2) };
    const withBroken = { ...market, fields: new Map([...frames, ['price:volume', broken]]) };
    expect(prepareMarket(withBroken, context)._unsafeUnwrapErr().message).toContain('price:volume');
  });
});

describe('shared market', () => {
  const { market, context } = testMarket({ dates: 50, symbols: 4 });
  const prepared = prepareMarket(market, context)._unsafeUnwrap();
  const shared = shareMarket(prepared);

  it('stores each distinct frame, date vector and symbol list once, in shared memory', () => {
    expect(shared.frames).toHaveLength(6);
    expect(shared.dates).toHaveLength(1);
    expect(shared.symbols).toHaveLength(1);
    for (const f of shared.frames) expect(f.values).toBeInstanceOf(SharedArrayBuffer);
    expect(shared.prices.close).toBe(shared.fields.find(([k]) => k === 'price:close')?.[1]);
    expect(sharedBytes(shared)).toBe(6 * 50 * 4 * 8 + 50 * 4);
  });

  it('opens to equal frames over the same buffers, without copying', () => {
    const opened = openSharedMarket(shared);
    for (const [key, f] of prepared.fields) {
      const g = opened.fields.get(key) as Frame;
      expect(Array.from(g.values)).toEqual(Array.from(f.values));
      expect(Array.from(g.dates)).toEqual(Array.from(f.dates));
      expect(g.symbols).toEqual(f.symbols);
      expect(g.values.buffer).toBe(shared.frames[shared.fields.find(([k]) => k === key)?.[1] as number]?.values);
    }
    const close = opened.prices.close;
    expect(opened.fields.get('price:volume')?.dates).toBe(close.dates); // one object: same-grid checks are O(1)
    expect(opened.prices.open?.symbols).toBe(close.symbols);
    expect([opened.rows, opened.cols]).toEqual([50, 4]);
  });

  it('reuses values that already live in shared memory', () => {
    const again = shareMarket(openSharedMarket(shared));
    expect(again.frames.map((f) => f.values)).toEqual(shared.frames.map((f) => f.values));
    expect(again.frames[0]?.values).toBe(shared.frames[0]?.values);
  });
});
