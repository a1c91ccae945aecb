/**
 * Peak memory of a process and every process it starts (the policy pack, shard
 * workers): their resident sets summed, sampled from /proc every 50 ms. Linux only;
 * elsewhere it reports nothing and the bench falls back on each process's own peak.
 */
import * as fs from "fs";

const PAGE_KB = 4;

function children(): Map<number, number[]> {
  const byParent = new Map<number, number[]>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      // pid (comm) state ppid …: comm may hold spaces and parentheses; ppid follows the last ")".
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const list = byParent.get(ppid) ?? [];
      list.push(Number(entry));
      byParent.set(ppid, list);
    } catch {
      // the process ended between readdir and read
    }
  }
  return byParent;
}

function rssKb(pid: number): number {
  try {
    // statm: size resident shared … in pages
    return Number(fs.readFileSync(`/proc/${pid}/statm`, "utf8").split(" ")[1]) * PAGE_KB;
  } catch {
    return 0;
  }
}

/** The summed RSS of `root` and its descendants now, in KB. */
export function treeRssKb(root: number): number {
  const byParent = children();
  let total = 0;
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    total += rssKb(pid);
    stack.push(...(byParent.get(pid) ?? []));
  }
  return total;
}

/** Samples `root`'s tree until stopped; `stop()` returns the peak in MB (0 where /proc is missing). */
export function samplePeak(root: number, everyMs = 50): () => number {
  if (!fs.existsSync("/proc/self/statm")) return () => 0;
  let peak = 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, treeRssKb(root));
  }, everyMs);
  return () => {
    clearInterval(timer);
    return peak / 1024;
  };
}
