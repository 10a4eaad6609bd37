package io.glimpse.bench.run;

import java.lang.management.ManagementFactory;

/**
 * The one timing rule of {@code glimpse bench}: a measurement is the best (smallest) of its runs, wall-clock and
 * process CPU seconds each. Early runs pay for compiling the code they run and later ones may share the machine
 * with other work; neither makes a run faster, so the minimum is the estimate that both only inflate. On a shared
 * machine the wall time swings with the other load while the CPU time this process spent shows the work itself
 * (NaN where the JVM does not report it; it ticks coarsely, about 10 ms).
 */
public record Timing(double wall, double cpu) {
    /** One run of {@code run}. */
    public static Timing of(Runnable run) {
        long c0 = processCpuNanos();
        long t0 = System.nanoTime();
        run.run();
        long t1 = System.nanoTime();
        long c1 = processCpuNanos();
        return new Timing((t1 - t0) / 1e9, c0 < 0 ? Double.NaN : (c1 - c0) / 1e9);
    }

    /** The best of {@code runs} runs of {@code run}. */
    public static Timing best(int runs, Runnable run) {
        Timing best = of(run);
        for (int i = 1; i < runs; i++) {
            best = best.min(of(run));
        }
        return best;
    }

    /** The smaller of each time; the best wall and the best CPU time may come from different runs. */
    public Timing min(Timing o) {
        return o == null ? this : new Timing(Math.min(wall, o.wall), Double.isNaN(cpu) ? o.cpu : Math.min(cpu, o.cpu));
    }

    /** {@code this.cpu / o.cpu} formatted, or "n/a" when the denominator's CPU time is too short to have registered. */
    public String cpuRatio(Timing o) {
        return o.cpu > 0 ? String.format(java.util.Locale.ROOT, "%.2f", cpu / o.cpu) : "n/a";
    }

    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
    }
}
