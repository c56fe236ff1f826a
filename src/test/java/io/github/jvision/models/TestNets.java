package io.github.jvision.models;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** Networks prepared for tests. */
public final class TestNets {
    private TestNets() {
    }

    /**
     * Gives every batch norm of {@code net} parameters and running statistics far from 0 and 1
     * (gamma in [0.25, 1.75], beta ~ 0.3 N(0, 1), mean ~ 0.2 N(0, 1), var in [0.1, 2.1]), drawn
     * with seed 3, so that folding or fusing them is exercised.
     */
    public static void randomiseBatchNorm(ComputationGraph net) {
        Nd4j.getRandom().setSeed(3);
        for (Layer l : net.getLayers()) {
            if (l.conf().getLayer() instanceof BatchNormalization) {
                long c = l.getParam("gamma").length();
                l.setParam("gamma", Nd4j.rand(DataType.FLOAT, 1, c).muli(1.5).addi(0.25));
                l.setParam("beta", Nd4j.randn(DataType.FLOAT, 1, c).muli(0.3));
                l.setParam("mean", Nd4j.randn(DataType.FLOAT, 1, c).muli(0.2));
                l.setParam("var", Nd4j.rand(DataType.FLOAT, 1, c).muli(2).addi(0.1));
            }
        }
    }
}
