// Number and error-count formatting for bench output.

/** A number with exactly `digits` decimals and thousands separators; "–" when not finite (nothing measured). */
export const fmt = (value, digits) =>
  Number.isFinite(value) ? value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '–';

/** `{ timeout: 3, refused: 1 }` → "timeout: 3, refused: 1"; "0" when there were none. */
export const errorText = (errors) =>
  Object.keys(errors).length === 0
    ? '0'
    : Object.entries(errors)
        .map(([k, v]) => `${k}: ${v}`)
        .join(', ');
