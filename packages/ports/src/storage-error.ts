export type StorageError =
  | { readonly kind: 'storage_unavailable'; readonly message: string }
  | { readonly kind: 'storage_corrupt_row'; readonly message: string }
  | { readonly kind: 'storage_duplicate'; readonly message: string }
  | { readonly kind: 'storage_schema_too_new'; readonly message: string }
  | { readonly kind: 'storage_failure'; readonly message: string };

/** Another writer replaced the champion first: re-read it and decide again. */
export interface ChampionConflict {
  readonly kind: 'champion_conflict';
  readonly message: string;
  readonly expectedVersion: number;
  readonly actualVersion: number;
}
