package io.github.jvision.train;

import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Learning rate with linear warm-up and cosine decay to zero (Loshchilov and Hutter 2017, SGDR
 * without restarts; warm-up as Goyal et al. 2017), by iteration (DL4J's iteration count, which
 * checkpoints keep, so a resumed run continues the schedule). For iteration t (0-based):
 * {@code base * (t + 1) / warmup} while {@code t < warmup}, then
 * {@code base * (1 + cos(pi * (t - warmup) / (total - warmup))) / 2}.
 */
public final class WarmupCosineSchedule implements ISchedule {
    private final double base;
    private final long warmup;
    private final long total;

    /**
     * @param base   peak learning rate
     * @param warmup warm-up iterations (0 for none)
     * @param total  total iterations of the run
     * @throws IllegalArgumentException unless {@code 0 <= warmup < total} and base &gt; 0
     */
    public WarmupCosineSchedule(@JsonProperty("base") double base, @JsonProperty("warmup") long warmup,
                                @JsonProperty("total") long total) {
        if (!(base > 0) || warmup < 0 || warmup >= total) {
            throw new IllegalArgumentException("need base > 0 and 0 <= warmup < total; got base " + base
                    + ", warmup " + warmup + ", total " + total);
        }
        this.base = base;
        this.warmup = warmup;
        this.total = total;
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        if (iteration < warmup) {
            return base * (iteration + 1) / warmup;
        }
        double progress = Math.min(1.0, (double) (iteration - warmup) / (total - warmup));
        return base * 0.5 * (1 + Math.cos(Math.PI * progress));
    }

    @Override
    public ISchedule clone() {
        return new WarmupCosineSchedule(base, warmup, total);
    }

    /** @return the peak learning rate */
    public double getBase() {
        return base;
    }

    /** @return warm-up iterations */
    public long getWarmup() {
        return warmup;
    }

    /** @return total iterations */
    public long getTotal() {
        return total;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WarmupCosineSchedule s && s.base == base && s.warmup == warmup && s.total == total;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(base, warmup, total);
    }
}
