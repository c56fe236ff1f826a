package io.github.jvision.onednn;

import io.github.jvision.models.Inference;
import java.util.Arrays;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A trained network compiled for fast inference on the CPU. Batch norm is folded into the
 * preceding convolutions ({@link Inference#fuseBatchNorm}); dropout and drop path vanish; the
 * rest becomes oneDNN primitives over blocked layouts (e.g. {@code nChw8c}) from the first
 * convolution to the classifier, each convolution carrying the activation after it and, in
 * residual blocks, the sum and its activation as post-ops (as {@code torch.jit.freeze} with
 * {@code optimize_for_inference} does for PyTorch). The outputs equal the DL4J network's
 * {@code output(false, x)} within float32 rounding.
 *
 * <p>The program is built on the first call for each input shape; the two last used are kept.
 * Not thread-safe: give each thread its own instance. Close it to free the weights and
 * activation buffers.
 */
public final class CompiledModel implements AutoCloseable {
    private final ComputationGraph fused;
    private final int outputCount;
    /** Programs by input shape: the batch size, and a smaller last batch. */
    private final ShapeCache<Plan> plans = new ShapeCache<>(Plan::close);
    private Plan plan;

    private CompiledModel(ComputationGraph fused) {
        this.fused = fused;
        this.outputCount = fused.getConfiguration().getNetworkOutputs().size();
    }

    /** System property that turns compiled inference and training off when {@code false} (DL4J runs instead). */
    public static final String ENABLED = "jvision.compiled";

    /**
     * Whether compiled inference can run in this process: the ND4J backend is the CPU one and
     * oneDNN's natives load.
     */
    public static boolean available() {
        return unavailableReason() == null;
    }

    /** Why compiled inference and training do not run here, or {@code null} when they do. */
    public static String unavailableReason() {
        if (!Boolean.parseBoolean(System.getProperty(ENABLED, "true"))) {
            return ENABLED + "=false";
        }
        String backend = Nd4j.getBackend().getClass().getName();
        if (!backend.contains(".cpu.")) {
            return "the ND4J backend is " + backend + ", not the CPU one";
        }
        return Dnnl.unavailableReason();
    }

    /**
     * Compiles {@code trained} (left unchanged; later changes to its parameters are not seen).
     *
     * @throws UnsupportedLayerException naming the first vertex with no oneDNN lowering
     * @throws IllegalStateException     if compiled inference is not {@link #available()} here
     */
    public static CompiledModel compile(ComputationGraph trained) {
        String why = unavailableReason();
        if (why != null) {
            throw new IllegalStateException(why);
        }
        Support.checkInference(trained);
        return new CompiledModel(Inference.fuseBatchNorm(trained));
    }

    /**
     * The network's outputs for {@code x}, in the order of the graph's outputs (for a classifier,
     * softmax probabilities {@code [N, K]}), as new arrays.
     *
     * @param x images {@code [N, C, H, W]}, normalised as the weights expect; any float type
     *          (converted to float32)
     * @throws IllegalArgumentException  if {@code x} is not 4-D or does not fit the network (the
     *                                   message names the layer and the expected size)
     * @throws UnsupportedLayerException if a layer has no lowering at this input size
     */
    public INDArray[] output(INDArray x) {
        return run(x, 0);
    }

    /**
     * The values before each output's softmax (for outputs without one, the outputs themselves),
     * as {@link io.github.jvision.eval.Logits} gives for the DL4J network.
     *
     * @see #output(INDArray)
     */
    public INDArray[] logits(INDArray x) {
        return run(x, outputCount);
    }

    private INDArray[] run(INDArray x, int first) {
        if (x.rank() != 4) {
            throw new IllegalArgumentException("compiled inference expects images [N, C, H, W]; got shape "
                    + Arrays.toString(x.shape()));
        }
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            plan = plans.get(x.shape(), sh -> Lowering.lower(fused, sh));
        }
        INDArray in = x.dataType() == DataType.FLOAT && x.ordering() == 'c' && !x.isView() ? x : x.castTo(DataType.FLOAT).dup('c');
        plan.run(in);
        INDArray[] result = new INDArray[outputCount];
        for (int i = 0; i < outputCount; i++) {
            result[i] = plan.output(first + i);
        }
        return result;
    }

    /** Bytes of activation buffers the last program run holds (after buffer reuse; weights excluded), or 0 before the first call. */
    public long activationBytes() {
        return plan == null ? 0 : plan.activationBytes();
    }

    /** Frees the compiled programs and their buffers; the next call compiles again. */
    @Override
    public void close() {
        plans.clear();
        plan = null;
    }
}
