/** A few of the items a warning counts (the first five, in the file's order) and how many there are. */
export interface Sample {
  readonly count: number;
  readonly examples: readonly string[];
}

/** How a field is put on the trading calendar (the adjusted close's dates and symbols). */
export type Alignment =
  /** prices `sim` trades on (`etl:adj_open/high/low`, or the raw ones standing in for them): by exact date, a missing day is NaN */
  | 'exact'
  /** every other field, as the engine and FinLab do: each trading day takes the last row dated on or before it */
  | 'as-of';

interface Common {
  /** The file the warning is about (the path as given to the loader). */
  readonly file: string;
  /** The field's canonical key (`security_categories:industry` for the categories file). */
  readonly field: string;
  /** One line naming the file: what is odd and what was done about it. */
  readonly message: string;
}

/**
 * Something about loaded data a user should know, which does not stop the load: the structure is kept here
 * (for the `--json` output and tests), `message` is the line the CLI prints once at start-up.
 */
export type MarketDataWarning = Common &
  (
    | { readonly kind: 'symbols_without_values'; readonly symbols: Sample; readonly of: number }
    | { readonly kind: 'dates_without_values'; readonly dates: Sample; readonly of: number }
    | { readonly kind: 'field_empty' }
    | { readonly kind: 'symbols_differ'; readonly calendarFile: string; readonly dropped: Sample; readonly missing: Sample; readonly of: number }
    | {
        readonly kind: 'dates_differ';
        readonly calendarFile: string;
        readonly alignment: Alignment;
        /** dates of the file that are not trading days of the calendar */
        readonly offCalendar: Sample;
        /** trading days before the file's first date, after its last date, and between (without a row of their own) */
        readonly missingBefore: number;
        readonly missingAfter: number;
        readonly missingInside: Sample;
        readonly of: number;
      }
  );
