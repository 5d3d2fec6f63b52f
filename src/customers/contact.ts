/**
 * Phone numbers are stored in E.164. Accepted input: E.164 (`+447700900123`, any country) or a UK
 * national number (`07700 900123`, `020 7946 0018`); spaces, dashes, dots and brackets are ignored.
 */
export function normalisePhone(value: string): string | null {
  const compact = value.replace(/[\s\-.()]/g, '');
  if (/^0\d{9,10}$/.test(compact)) return `+44${compact.slice(1)}`;
  if (compact.startsWith('+44')) return /^\+44[1-9]\d{8,9}$/.test(compact) ? compact : null;
  if (/^\+[1-9]\d{7,14}$/.test(compact)) return compact;
  return null;
}

/** UK postcodes (and GIR 0AA), normalised to upper case with one space. */
const UK_POSTCODE = /^(GIR0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?\d[ABD-HJLNP-UW-Z]{2})$/;

export function normaliseUkPostcode(value: string): string | null {
  const compact = value.replace(/\s+/g, '').toUpperCase();
  if (!UK_POSTCODE.test(compact)) return null;
  return `${compact.slice(0, -3)} ${compact.slice(-3)}`;
}

/** A real calendar date written YYYY-MM-DD. */
export function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}
