import { readdirSync, readFileSync } from "node:fs";

/** Linux clock ticks per second for /proc/<pid>/stat times; 100 on every mainstream kernel config. */
const CLK_TCK = 100;

export type GroupProcess = { pid: number; comm: string; ticks: number };

/**
 * The live processes of a process group (wrangler's node process and the workerd processes it spawns share
 * the group the bench created): pid, command name and CPU ticks used so far. Null where /proc is unavailable.
 */
export function groupProcesses(pgid: number): GroupProcess[] | null {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return null;
  }
  const out: GroupProcess[] = [];
  for (const e of entries) {
    if (e.charCodeAt(0) < 48 || e.charCodeAt(0) > 57) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${e}/stat`, "latin1");
    } catch {
      continue;
    }
    // pid (comm) then: state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
    const close = stat.lastIndexOf(")");
    const f = stat.slice(close + 2).split(" ");
    if (Number(f[2]) !== pgid) continue;
    out.push({ pid: Number(e), comm: stat.slice(stat.indexOf("(") + 1, close), ticks: Number(f[11]) + Number(f[12]) });
  }
  return out;
}

/** CPU seconds used so far by every live process in a process group. Null where /proc is unavailable. */
export function groupCpuSeconds(pgid: number): number | null {
  const procs = groupProcesses(pgid);
  return procs === null ? null : procs.reduce((n, p) => n + p.ticks, 0) / CLK_TCK;
}

/** Measures CPU use of this process and, when known, of the server's process group over a phase. */
export class CpuMeter {
  private readonly serverPgids: number[];
  private client0 = process.cpuUsage();
  private server0: number | null = null;
  private t0 = performance.now();

  constructor(serverPgids: number[]) {
    this.serverPgids = serverPgids;
    this.reset();
  }

  reset(): void {
    this.client0 = process.cpuUsage();
    this.server0 = this.serverSeconds();
    this.t0 = performance.now();
  }

  private serverSeconds(): number | null {
    if (this.serverPgids.length === 0) return null;
    let sum = 0;
    for (const pgid of this.serverPgids) {
      const s = groupCpuSeconds(pgid);
      if (s === null) return null;
      sum += s;
    }
    return sum;
  }

  /**
   * Percent of one core over the interval since reset (200 = both cores of a 2-core machine), and CPU
   * milliseconds per message: the latter is robust against other load on the machine, the former not.
   * Server figures are null when the server was not started by this bench or restarted meanwhile.
   */
  read(messages: number): { client_cpu_pct: number; server_cpu_pct: number | null; client_cpu_ms_per_msg: number; server_cpu_ms_per_msg: number | null } {
    const wall = (performance.now() - this.t0) / 1000;
    const c = process.cpuUsage(this.client0);
    const s1 = this.serverSeconds();
    const clientS = (c.user + c.system) / 1e6;
    const serverS = s1 !== null && this.server0 !== null && s1 >= this.server0 ? s1 - this.server0 : null;
    const per = (x: number) => Math.round((x * 1000 * 1000) / Math.max(1, messages)) / 1000;
    return {
      client_cpu_pct: Math.round((clientS / wall) * 100),
      server_cpu_pct: serverS === null ? null : Math.round((serverS / wall) * 100),
      client_cpu_ms_per_msg: per(clientS),
      server_cpu_ms_per_msg: serverS === null ? null : per(serverS),
    };
  }
}
