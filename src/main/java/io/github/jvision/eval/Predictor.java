package io.github.jvision.eval;

import io.github.jvision.onednn.CompiledModel;
import io.github.jvision.onednn.UnsupportedLayerException;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A trained classifier's inference, through {@link CompiledModel} where it can run (the CPU
 * backend with oneDNN; every jvision model) and through the DL4J network otherwise, with the same
 * results within float32 rounding. The system property {@code jvision.compiled=false}
 * ({@link CompiledModel#ENABLED}) forces the DL4J network. Not thread-safe; close it to free the
 * compiled program.
 */
public final class Predictor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Predictor.class);
    private final ComputationGraph net;
    private CompiledModel compiled;

    private Predictor(ComputationGraph net, CompiledModel compiled) {
        this.net = net;
        this.compiled = compiled;
    }

    /** @param net a jvision classifier, read but not changed; compiled now when it can be (see the class comment) */
    public static Predictor of(ComputationGraph net) {
        if (!CompiledModel.available()) {
            LOG.debug("inference through DL4J: {}", CompiledModel.unavailableReason());
            return new Predictor(net, null);
        }
        try {
            return new Predictor(net, CompiledModel.compile(net));
        } catch (UnsupportedLayerException e) {
            LOG.info("inference through DL4J: {}", e.getMessage());
            return new Predictor(net, null);
        }
    }

    /** Whether inference runs compiled (oneDNN) rather than through DL4J. */
    public boolean compiled() {
        return compiled != null;
    }

    /**
     * @param x images {@code [N, C, H, W]} float32, normalised as the weights expect
     * @return the main classifier's probabilities {@code [N, K]}
     * @throws IllegalArgumentException if {@code x} does not fit the network
     */
    public INDArray probabilities(INDArray x) {
        INDArray[] out = run(x, false);
        return out != null ? out[0] : net.output(false, x)[0];
    }

    /**
     * @param x images {@code [N, C, H, W]} float32, normalised as the weights expect
     * @return the main classifier's logits {@code [N, K]} (before softmax), as {@link Logits#of}
     * @throws IllegalArgumentException if {@code x} does not fit the network
     */
    public INDArray logits(INDArray x) {
        INDArray[] out = run(x, true);
        return out != null ? out[0] : Logits.of(net, x);
    }

    /** The compiled outputs, or {@code null} when inference goes through DL4J (from now on, if this input size has no lowering). */
    private INDArray[] run(INDArray x, boolean logits) {
        if (compiled == null) {
            return null;
        }
        try {
            return logits ? compiled.logits(x) : compiled.output(x);
        } catch (UnsupportedLayerException e) {
            LOG.info("inference through DL4J: {}", e.getMessage());
            close();
            return null;
        }
    }

    @Override
    public void close() {
        if (compiled != null) {
            compiled.close();
            compiled = null;
        }
    }
}
