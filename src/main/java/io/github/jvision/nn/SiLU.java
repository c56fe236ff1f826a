package io.github.jvision.nn;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.BaseActivationFunction;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * SiLU, {@code x * sigmoid(x)} (Elfwing et al. 2017; "swish" in Ramachandran et al. 2017), as
 * PyTorch's {@code nn.SiLU}, with a derivative that stays finite for every input:
 * {@code s (1 + x (1 - s))} with {@code s = sigmoid(x)}. ND4J 1.0.0-M2.1's own
 * {@code ActivationSwish} computes the derivative as {@code e^x (x + e^x + 1) / (e^x + 1)^2},
 * which is {@code inf / inf = NaN} in float32 for x above about 44; EfficientNet's SE layers
 * reach such values, so its training diverged. The blocks use this class wherever
 * {@code Activation.SWISH} is asked for.
 */
public final class SiLU extends BaseActivationFunction {

    @Override
    public INDArray getActivation(INDArray in, boolean training) {
        return in.muli(Transforms.sigmoid(in, true));
    }

    @Override
    public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
        assertShape(in, epsilon);
        INDArray s = Transforms.sigmoid(in, true);
        // s + x s (1 - s) = s (1 + x (1 - s))
        INDArray grad = s.rsub(1.0).muli(in).addi(1.0).muli(s).muli(epsilon);
        return new Pair<>(grad, null);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SiLU;
    }

    @Override
    public int hashCode() {
        return SiLU.class.hashCode();
    }

    @Override
    public String toString() {
        return "silu";
    }
}
