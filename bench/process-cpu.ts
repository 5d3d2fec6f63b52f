import { readdirSync, readFileSync } from 'node:fs';

/** Linux's USER_HZ: /proc counts CPU time in these ticks. */
const TICKS_PER_SECOND = 100;

/** Fields of /proc/PID/stat after the command name (index 0 is the state, 11–14 utime, stime, cutime, cstime); none once it exited. */
function statOf(pid: number | string): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** CPU µs a process has used (with `reaped`, also its exited children's: a postmaster's closed backends). */
function cpuMicrosOf(fields: string[] | undefined, reaped = false): number {
  if (!fields) return 0;
  const ticks = Number(fields[11]) + Number(fields[12]) + (reaped ? Number(fields[13]) + Number(fields[14]) : 0);
  return (ticks * 1e6) / TICKS_PER_SECOND;
}

/** CPU µs the process `pid` has used itself. */
export const processCpuMicros = (pid: number): number => cpuMicrosOf(statOf(pid));

/** A PostgreSQL cluster's CPU µs: its postmaster and every backend it started, live or exited. */
export function databaseCpuMicros(postmaster: number): number {
  let total = cpuMicrosOf(statOf(postmaster), true);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statOf(entry);
    if (fields && Number(fields[1]) === postmaster) total += cpuMicrosOf(fields);
  }
  return total;
}
