/**
 * SQL for a timestamptz column as text exactly as `Date.toISOString()` writes it (UTC, milliseconds
 * cut, as the driver's Date would be): hot reads send it on without parsing a Date per column.
 */
export const isoTimestampSql = (column: string): string => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
