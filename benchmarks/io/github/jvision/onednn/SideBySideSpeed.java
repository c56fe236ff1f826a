package io.github.jvision.onednn;

import io.github.jvision.Backend;
import io.github.jvision.models.Inference;
import io.github.jvision.models.ModelOptions;
import io.github.jvision.models.Models;
import java.util.Arrays;
import java.util.Locale;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Compiled inference with and without {@link SideBySide} convolutions, alternately in one process
 * (one batch each per round, each first every other round; random weights and inputs): medians, and the median of the per-round
 * speed-ups, which the machine's drift affects least. Arguments: model:channels:size:batch
 * [rounds]. Not JMH: an A/B of one lowering choice.
 * <pre>java -cp target/test-classes:target/classes:$(cat target/bench.cp) \
 *     io.github.jvision.onednn.SideBySideSpeed resnet18:3:224:16 31</pre>
 */
public final class SideBySideSpeed {
    public static void main(String[] args) {
        Backend.init();
        String[] w = args[0].split(":");
        int channels = Integer.parseInt(w[1]);
        int size = Integer.parseInt(w[2]);
        int batch = Integer.parseInt(w[3]);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 21;
        ComputationGraph net = Inference.fuseBatchNorm(Models.create(w[0], new ModelOptions(1000, channels, size)));
        INDArray x = Nd4j.rand(DataType.FLOAT, batch, channels, size, size);
        Plan[] plans = {Lowering.lower(net, x.shape(), SideBySide.Use.NEVER), Lowering.lower(net, x.shape(), SideBySide.Use.ALWAYS)};
        double[][] ms = new double[2][rounds];
        for (Plan p : plans) {
            p.run(x); // warm-up
        }
        for (int r = 0; r < rounds; r++) {
            for (int j = 0; j < 2; j++) {
                int i = (r + j) % 2; // each goes first every other round
                long t = System.nanoTime();
                plans[i].run(x);
                ms[i][r] = (System.nanoTime() - t) / 1e6;
            }
        }
        double[] speedUp = new double[rounds];
        Arrays.setAll(speedUp, r -> ms[0][r] / ms[1][r]);
        System.out.printf(Locale.ROOT, "%s, %d rounds: batch as it is %.1f images/s, side by side %.1f images/s (medians); "
                        + "per-round speed-up: median %.3f, quartiles %.3f-%.3f%n", args[0], rounds,
                batch * 1e3 / median(ms[0]), batch * 1e3 / median(ms[1]), median(speedUp),
                quantile(speedUp, 0.25), quantile(speedUp, 0.75));
        for (Plan p : plans) {
            p.close();
        }
    }

    private static double median(double[] v) {
        return quantile(v, 0.5);
    }

    private static double quantile(double[] v, double q) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[(int) Math.round(q * (s.length - 1))];
    }
}
