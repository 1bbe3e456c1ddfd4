/**
 * Calendar arithmetic on epoch days (days since 1970-01-01, UTC). Pure integer maths, no Date objects,
 * no clock (civil-from-days after H. Hinnant's algorithm).
 */

export interface CivilDate {
  readonly year: number;
  /** 1..12 */
  readonly month: number;
  /** 1..31 */
  readonly day: number;
}

export function civilFromDays(epochDay: number): CivilDate {
  const z = epochDay + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return { year, month, day };
}

export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = month > 2 ? month - 3 : month + 9;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday). */
export function weekday(epochDay: number): number {
  return (((epochDay + 3) % 7) + 7) % 7;
}

/** Last day of the month that contains `epochDay`. */
export function monthEnd(epochDay: number): number {
  const { year, month } = civilFromDays(epochDay);
  return month === 12 ? daysFromCivil(year + 1, 1, 1) - 1 : daysFromCivil(year, month + 1, 1) - 1;
}

/** Last day of the calendar quarter (Mar, Jun, Sep, Dec) that contains `epochDay`. */
export function quarterEnd(epochDay: number): number {
  const { year, month } = civilFromDays(epochDay);
  const qEndMonth = Math.ceil(month / 3) * 3;
  return qEndMonth === 12 ? daysFromCivil(year + 1, 1, 1) - 1 : daysFromCivil(year, qEndMonth + 1, 1) - 1;
}

/** ISO `YYYY-MM-DD` of an epoch day (for messages and exports). */
export function isoDate(epochDay: number): string {
  const { year, month, day } = civilFromDays(epochDay);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Epoch day of an ISO `YYYY-MM-DD` string, or NaN when it is not one. */
export function epochDayOf(iso: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (m === null) return Number.NaN;
  return daysFromCivil(Number(m[1]), Number(m[2]), Number(m[3]));
}
