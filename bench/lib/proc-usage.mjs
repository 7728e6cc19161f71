// CPU time and peak RSS of another process, read from Linux's /proc (proc(5)): what a bench
// needs to measure a child it spawned but does not run code in.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Clock ticks per second, the unit of utime/stime in /proc/<pid>/stat (`getconf CLK_TCK`; 100 on Linux). */
export const CLOCK_TICKS = (() => {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isInteger(ticks) && ticks > 0 ? ticks : 100;
  } catch {
    return 100;
  }
})();

/**
 * User plus system CPU seconds the process has used (utime + stime, fields 14 and 15 of
 * /proc/<pid>/stat; its children's time is not included). Resolution is one clock tick (10 ms).
 */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Field 2 (comm) is parenthesised and may hold spaces: count fields after its closing ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state), so field 14 (utime) is fields[11] and 15 (stime) fields[12].
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** A `kB` field of /proc/<pid>/status, in bytes. */
function statusBytes(pid, field) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
  if (!match) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

/** Peak resident set size so far, bytes (VmHWM: "peak resident set size ('high water mark')"). */
export const peakRssBytes = (pid) => statusBytes(pid, 'VmHWM');

/** Resident set size now, bytes (VmRSS). */
export const rssBytes = (pid) => statusBytes(pid, 'VmRSS');
