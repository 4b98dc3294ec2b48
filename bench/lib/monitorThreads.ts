/**
 * CPU time of a process split by thread, from /proc/<pid>/task/<tid>/{comm,stat} (Linux): the
 * main thread ("MainThread"), the scorer worker threads (named "scorelens-scorer-N", which the
 * kernel cuts to "scorelens-score"), and everything else (V8's GC and compiler helpers, libuv's
 * pool). Threads that already exited are in the process total but in no task, so "other" is the
 * process total minus main and the live workers: a worker that exits between two readings moves
 * its time to "other".
 */
import fs from "node:fs";

export interface ThreadCpu {
  /** Whole process (user + system), ms. */
  totalMs: number;
  mainMs: number;
  workersMs: number;
  /** total − main − workers. */
  otherMs: number;
}

const TICK_MS = 10; // clock ticks are 100 Hz on Linux x64

function statCpuMs(file: string): number {
  const stat = fs.readFileSync(file, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // fields[0] is field 3 (state); utime and stime are fields 14 and 15
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

/** NaNs when /proc is not there. */
export function threadCpu(pid: number | "self" = "self"): ThreadCpu {
  try {
    const totalMs = statCpuMs(`/proc/${pid}/stat`);
    let mainMs = 0;
    let workersMs = 0;
    for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
      let comm: string;
      let ms: number;
      try {
        comm = fs.readFileSync(`/proc/${pid}/task/${tid}/comm`, "utf8").trim();
        ms = statCpuMs(`/proc/${pid}/task/${tid}/stat`);
      } catch {
        continue; // the thread exited meanwhile
      }
      if (String(pid) === tid || (pid === "self" && Number(tid) === process.pid)) mainMs += ms;
      else if (comm.startsWith("scorelens-scor")) workersMs += ms;
    }
    return { totalMs, mainMs, workersMs, otherMs: Math.max(0, totalMs - mainMs - workersMs) };
  } catch {
    return { totalMs: NaN, mainMs: NaN, workersMs: NaN, otherMs: NaN };
  }
}

export function cpuDelta(a: ThreadCpu, b: ThreadCpu): ThreadCpu {
  return { totalMs: b.totalMs - a.totalMs, mainMs: b.mainMs - a.mainMs, workersMs: b.workersMs - a.workersMs, otherMs: b.otherMs - a.otherMs };
}
