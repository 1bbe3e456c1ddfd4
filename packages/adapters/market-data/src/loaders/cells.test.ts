import { daysFromCivil } from '@alphaloop/engine';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDateCell, parseNumberCell } from './cells.js';
import { readCsvRecords } from './csv-records.js';

const day = daysFromCivil(2024, 1, 2);

describe('parseDateCell', () => {
  it.each([
    ['2024-01-02', day],
    ['2024-1-2', day],
    ['2024-01-02 00:00:00', day],
    ['2024-01-02T00:00:00', day],
    ['2024-01-02T00:00:00Z', day],
    ['2024-01-02 00:00:00+08:00', day],
    ['2024/01/02', day],
    ['20240102', day],
    [' 2024-01-02 ', day],
    [20240102, day],
    [new Date(Date.UTC(2024, 0, 2)), day],
  ])('reads %s', (cell, expected) => {
    expect(parseDateCell(cell)).toBe(expected);
  });

  it.each([
    ['2024-02-30', 'no such day'],
    ['2024-13-01', 'no such day'],
    ['2024-Q1', "unparseable date '2024-Q1'"],
    ['2024-01-02 09:30:00', 'unparseable date'],
    ['', 'missing date'],
    ['yesterday', "unparseable date 'yesterday'"],
  ])('rejects %s', (cell, reason) => {
    const r = parseDateCell(cell);
    expect(typeof r === 'number' ? r : r.error).toContain(reason);
  });

  it('rejects a Date that is not midnight UTC', () => {
    const r = parseDateCell(new Date(Date.UTC(2024, 0, 2, 9)));
    expect(typeof r === 'number' ? r : r.error).toContain('not midnight UTC');
  });
});

describe('parseNumberCell', () => {
  it.each([
    ['40.5', 40.5],
    ['-1e-5', -1e-5],
    ['1e+21', 1e21],
    ['.5', 0.5],
    ['7', 7],
    [' 3.25 ', 3.25],
    ['inf', Infinity],
    ['-inf', -Infinity],
    ['True', 1],
    ['False', 0],
    [12, 12],
    [12n, 12],
    [true, 1],
  ])('reads %s', (cell, expected) => {
    expect(parseNumberCell(cell)).toBe(expected);
  });

  it.each(['', 'nan', 'NaN', 'NA', 'null', 'None', null, undefined])('reads %s as missing (NaN)', (cell) => {
    expect(parseNumberCell(cell)).toBeNaN();
  });

  it.each(['1,234', '12abc', 'abc', '--1', '0x10', '1e'])('rejects %s as non-numeric', (cell) => {
    const r = parseNumberCell(cell);
    expect(typeof r === 'number' ? r : r.error).toContain('non-numeric value');
  });

  it('never throws, and reads every number written by String()', () => {
    fc.assert(fc.property(fc.string(), (s) => void parseNumberCell(s)));
    fc.assert(fc.property(fc.string(), (s) => void parseDateCell(s)));
    fc.assert(
      fc.property(fc.double({ noNaN: true }), (x) => {
        expect(parseNumberCell(x === Infinity ? 'inf' : x === -Infinity ? '-inf' : String(x))).toBe(x === 0 ? 0 : x);
      }),
    );
  });
});

describe('readCsvRecords', () => {
  const collect = (text: string): [number, string[]][] => {
    const out: [number, string[]][] = [];
    expect(readCsvRecords('t.csv', text, (fields, line) => (out.push([line, [...fields]]), null))).toBeNull();
    return out;
  };

  it('reads plain CSV with CRLF, blank lines and a byte-order mark, with line numbers', () => {
    expect(collect('\uFEFFdate,a\r\n2024-01-02,1\r\n\r\n2024-01-03,\n')).toEqual([
      [1, ['date', 'a']],
      [2, ['2024-01-02', '1']],
      [4, ['2024-01-03', '']],
    ]);
  });

  it('reads quoted CSV (csv-parse) with the line each record starts on', () => {
    expect(collect('id,name\n1,"a, b"\n\n2,"two\nlines"\n3,c\n')).toEqual([
      [1, ['id', 'name']],
      [2, ['1', 'a, b']],
      [4, ['2', 'two\nlines']],
      [6, ['3', 'c']],
    ]);
  });

  it('gives the same records on both paths for unquoted text', () => {
    const cellArb = fc.stringMatching(/^[0-9a-z.-]{0,4}$/);
    fc.assert(
      fc.property(fc.array(fc.array(cellArb, { minLength: 2, maxLength: 2 }), { minLength: 1, maxLength: 6 }), (rows): void => {
        const plain = rows.map((r) => r.join(',')).join('\n');
        const quoted = rows.map((r) => r.map((c) => `"${c}"`).join(',')).join('\n');
        const a = collect(plain).map(([, f]) => f);
        const b = collect(quoted).map(([, f]) => f);
        expect(b).toEqual(a);
      }),
    );
  });

  it('reports unreadable quoting as an error with a line', () => {
    const e = readCsvRecords('t.csv', 'a,b\n1,"open\n', () => null);
    expect(e).toMatchObject({ kind: 'market_data_malformed', file: 't.csv' });
    expect(e?.message).toContain('unreadable CSV');
  });
});
