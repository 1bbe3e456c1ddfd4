import { describe, expect, it } from 'vitest';
import { LineIndex } from './source-location.js';

describe('LineIndex', () => {
  it('maps offsets to 1-based lines and columns across \\n, \\r\\n and \\r', () => {
    const lines = new LineIndex('ab\ncd\r\nef\rgh');
    expect(lines.locate(0)).toEqual({ line: 1, column: 1 });
    expect(lines.locate(1)).toEqual({ line: 1, column: 2 });
    expect(lines.locate(3)).toEqual({ line: 2, column: 1 });
    expect(lines.locate(7)).toEqual({ line: 3, column: 1 });
    expect(lines.locate(10)).toEqual({ line: 4, column: 1 });
    expect(lines.locate(11)).toEqual({ line: 4, column: 2 });
  });
});
