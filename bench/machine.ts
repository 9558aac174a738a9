/**
 * Is anything else using this machine while we measure? The CPU time all processes used (from
 * os.cpus()) minus the CPU time of the bench's own processes, as a share of one core. Other
 * sessions' test runs on the same 2 cores make every number here meaningless, so the bench says so.
 */
import * as os from 'node:os';

/** CPU time spent busy on all cores since boot (ms). */
export const machineBusyMs = (): number =>
  os.cpus().reduce((sum, { times }) => sum + times.user + times.nice + times.sys + times.irq, 0);

export interface Window {
  /** Ends the window: the other processes' CPU use during it as a share of one core, given our own CPU time (ms). */
  foreignShare(ownCpuMs: number): number;
}

export const window = (): Window => {
  const busy = machineBusyMs();
  const wall = performance.now();
  const self = process.cpuUsage();
  return {
    foreignShare: (ownCpuMs) => {
      const selfUsed = process.cpuUsage(self);
      const foreign = machineBusyMs() - busy - ownCpuMs - (selfUsed.user + selfUsed.system) / 1000;
      return Math.max(0, foreign) / (performance.now() - wall);
    },
  };
};

/** Above this (share of one core) a measurement is reported as disturbed. */
export const FOREIGN_CPU_LIMIT = 0.15;
