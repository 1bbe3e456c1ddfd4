/** Maps a character offset to a 1-based line and column; built lazily because only errors need it. */
export class LineIndex {
  private starts: number[] | null = null;

  constructor(private readonly source: string) {}

  locate(offset: number): { line: number; column: number } {
    const starts = this.lineStarts();
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - (starts[low] ?? 0) + 1 };
  }

  private lineStarts(): number[] {
    if (this.starts === null) {
      const starts = [0];
      for (let i = 0; i < this.source.length; i += 1) {
        const code = this.source.charCodeAt(i);
        if (code === 10) starts.push(i + 1);
        else if (code === 13 && this.source.charCodeAt(i + 1) !== 10) starts.push(i + 1);
      }
      this.starts = starts;
    }
    return this.starts;
  }
}
