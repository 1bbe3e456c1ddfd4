import { frameFromRows, frameRow, type Frame } from '@alphaloop/engine';
import { describe, expect, it } from 'vitest';
import { FIELD_CATALOGUE, fileStemOfKey, keyOfColumn, keyOfFileStem } from './fields.js';
import { MarketData, reindexExact } from './market-data.js';

const close = frameFromRows([1, 2, 3], ['A', 'B'], [[10, 20], [11, null], [12, 22]]);
const create = (frames: [string, Frame][]): ReturnType<typeof MarketData.create> =>
  MarketData.create({ name: 't', source: 'long-csv', dataVersion: 'v1', frames: new Map(frames) });

describe('field catalogue', () => {
  it('has unique keys and aliases, none equal to another field’s key', () => {
    const names = FIELD_CATALOGUE.flatMap((f) => [f.key, ...f.aliases]);
    expect(new Set(names).size).toBe(names.length);
  });

  it('maps long-format column names and file names to keys', () => {
    expect(keyOfColumn('Close')).toBe('price:close');
    expect(keyOfColumn('adj_close')).toBe('etl:adj_close');
    expect(keyOfColumn('price:收盤價')).toBe('price:close');
    expect(keyOfColumn('foreign_net_buy')).toBe('foreign_net_buy');
    expect(keyOfFileStem('price__收盤價')).toBe('price:close');
    expect(keyOfFileStem('monthly_revenue:去年同月增減(%)')).toBe('monthly_revenue:revenue_yoy');
    expect(keyOfFileStem(fileStemOfKey('etl:market_value'))).toBe('etl:market_value');
  });
});

describe('MarketData.create', () => {
  it('resolves aliases to canonical keys and derives adjusted prices from raw ones', () => {
    const m = create([['price:收盤價', close]])._unsafeUnwrap();
    expect(m.frame('price:close')).toBe(close);
    expect(m.prices.close).toBe(close);
    expect(m.resolveKey('price:收盤價')).toBe('price:close');
    expect(m.resolveKey('price:open')).toBeUndefined();
    expect(m.fields.get('etl:adj_close')).toBe(close);
    expect([...m.fields.keys()]).toEqual(['price:close', 'etl:adj_close']);
    expect(m.description.fields.map((f) => f.key)).toEqual(['price:close', 'etl:adj_close']);
  });

  it('puts adjusted open/high/low on the adjusted close grid by exact date (never forward-filled)', () => {
    const open = frameFromRows([1, 3], ['B', 'C'], [[19, 5], [21, 6]]);
    const m = create([['price:close', close], ['etl:adj_open', open]])._unsafeUnwrap();
    const adjOpen = m.prices.open as Frame;
    expect(adjOpen.symbols).toEqual(['A', 'B']);
    expect([0, 1, 2].map((d) => frameRow(adjOpen, d))).toEqual([[Number.NaN, 19], [Number.NaN, Number.NaN], [Number.NaN, 21]]);
    expect(m.frame('etl:adj_open')).toBe(adjOpen);
  });

  it('rejects a market without close prices, an invalid frame, and a field given twice', () => {
    expect(create([['price:open', close]])._unsafeUnwrapErr().message).toContain('no close price');
    const bad: Frame = { dates: [2, 1], symbols: ['A'], values: new Float64Array(2) };
    expect(create([['price:close', bad]])._unsafeUnwrapErr().message).toContain('strictly increasing');
    expect(create([['price:close', close], ['price:收盤價', close]])._unsafeUnwrapErr().message).toContain('given twice');
  });

  it('describes itself through the port', async () => {
    const m = create([['price:close', close]])._unsafeUnwrap();
    const d = (await m.describe())._unsafeUnwrap();
    expect(d).toMatchObject({ name: 't', dataVersion: 'v1', startDate: '1970-01-02', endDate: '1970-01-04', dateCount: 3, symbolCount: 2 });
  });

  it('reindexExact leaves missing dates and symbols NaN', () => {
    const f = reindexExact(frameFromRows([2], ['B'], [[7]]), close);
    expect(Array.from(f.values)).toEqual([Number.NaN, Number.NaN, Number.NaN, 7, Number.NaN, Number.NaN]);
  });
});
