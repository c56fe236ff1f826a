package io.github.jvision.nn;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Stochastic depth (Huang et al. 2016, "Deep Networks with Stochastic Depth"), as
 * torchvision's {@code StochasticDepth(p, mode="row")}: in training each sample's residual
 * branch {@code [N, ...]} is zeroed with probability {@code p} and the survivors are scaled by
 * {@code 1 / (1 - p)}, so the expectation is unchanged; at inference it is the identity. The
 * random draws come from ND4J's generator ({@code Nd4j.getRandom()}), as DL4J's dropout.
 */
public final class DropPathVertex extends ParameterFreeVertex {
    private final double p;
    private final boolean frozen;

    /**
     * @param p drop probability per sample, in [0, 1)
     * @throws IllegalArgumentException if {@code p} is outside [0, 1)
     */
    public DropPathVertex(double p) {
        this(p, false);
    }

    /**
     * @param p      drop probability per sample, in [0, 1)
     * @param frozen the identity in training too, as torchvision's {@code StochasticDepth} in a
     *               module put in {@code eval()} mode (a frozen block when fine-tuning)
     * @throws IllegalArgumentException if {@code p} is outside [0, 1)
     */
    public DropPathVertex(@JsonProperty("p") double p, @JsonProperty("frozen") boolean frozen) {
        super(1);
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("drop path probability must be in [0, 1); got " + p);
        }
        this.p = p;
        this.frozen = frozen;
    }

    /** @return the drop probability */
    public double getP() {
        return p;
    }

    /** @return whether it is the identity in training too */
    public boolean isFrozen() {
        return frozen;
    }

    /** @return this vertex with {@link #isFrozen()} set to {@code frozen} */
    public DropPathVertex frozen(boolean frozen) {
        return new DropPathVertex(p, frozen);
    }

    @Override
    public DropPathVertex clone() {
        return new DropPathVertex(p, frozen);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DropPathVertex v && v.p == p && v.frozen == frozen;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(p) * 31 + Boolean.hashCode(frozen);
    }

    @Override
    public GraphVertex instantiate(ComputationGraph graph, String name, int idx, INDArray paramsView,
                                   boolean initializeParams, DataType dataType) {
        return new DropPathVertexImpl(graph, name, idx, frozen ? 0 : p, dataType);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... in) throws InvalidInputTypeException {
        return in[0];
    }

    @Override
    public String toString() {
        return "DropPathVertex(p=" + p + ")";
    }
}
