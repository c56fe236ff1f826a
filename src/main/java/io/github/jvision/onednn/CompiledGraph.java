package io.github.jvision.onednn;

import io.github.jvision.onednn.TrainingLowering.BatchStats;
import io.github.jvision.onednn.TrainingLowering.Loss;
import io.github.jvision.onednn.TrainingLowering.Mask;
import java.util.Arrays;
import org.deeplearning4j.nn.api.Layer;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.updater.graph.ComputationGraphUpdater;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.BernoulliDistribution;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ComputationGraph} whose training step (forward pass, cross-entropy, backward pass) runs
 * compiled on oneDNN, keeping activations and their gradients in blocked layouts. Everything else
 * is DL4J's: {@code fit}, the updater and its state, schedules, regularisation, listeners,
 * iteration counts and serialisation (a saved {@code CompiledGraph} loads as a plain graph). The
 * gradients, score and batch-norm running statistics equal those of DL4J's own step within
 * float32 rounding; dropout and drop-path masks are drawn from ND4J's random generator as DL4J
 * draws them, so they differ from DL4J's run to run as any two draws do.
 *
 * <p>Inference ({@code output}) still runs through DL4J; use {@link CompiledModel} for it.
 */
public final class CompiledGraph extends ComputationGraph {
    private static final Logger LOG = LoggerFactory.getLogger(CompiledGraph.class);
    /** Compiled steps by input shape: the batch size, and the smaller last batch of an epoch. */
    private final ShapeCache<TrainingLowering.Step> steps = new ShapeCache<>(s -> s.plan().close());
    private TrainingLowering.Step step;
    private Gradient views;
    private INDArray[] labels;
    private String fallback;

    private CompiledGraph(ComputationGraphConfiguration conf) {
        super(conf);
    }

    /**
     * A compiled-training copy of {@code net} sharing its configuration (and so its iteration and
     * epoch counts) and holding copies of its parameters, updater state and listeners; train the
     * copy from then on.
     *
     * @throws UnsupportedLayerException naming the first vertex a compiled step cannot train
     * @throws IllegalStateException     if compiled training is not available here (see {@link CompiledModel#available()})
     */
    public static CompiledGraph of(ComputationGraph net) {
        String why = CompiledModel.unavailableReason();
        if (why != null) {
            throw new IllegalStateException(why);
        }
        Support.checkTraining(net);
        CompiledGraph g = new CompiledGraph(net.getConfiguration());
        g.init(net.params().dup(), false);
        ComputationGraphUpdater u = net.getUpdater(false);
        INDArray state = g.getUpdater().getStateViewArray(); // null for updaters without state (plain SGD)
        if (u != null && u.getStateViewArray() != null && state != null) {
            state.assign(u.getStateViewArray());
        }
        g.setListeners(net.getListeners());
        return g;
    }

    /**
     * {@code net} ready to train as fast as it can here: a {@link #of compiled copy} when compiled
     * training is available and runs every vertex, else {@code net} itself (logged at info with the
     * reason). A {@code CompiledGraph} is returned as it is.
     */
    public static ComputationGraph forTraining(ComputationGraph net) {
        if (net instanceof CompiledGraph) {
            return net;
        }
        String why = CompiledModel.unavailableReason();
        if (why == null) {
            try {
                return of(net);
            } catch (UnsupportedLayerException e) {
                why = e.getMessage();
            }
        }
        LOG.info("training through DL4J: {}", why);
        return net;
    }

    @Override
    public void setLabels(INDArray... labels) {
        super.setLabels(labels);
        this.labels = labels;
    }

    @Override
    public void computeGradientAndScore(LayerWorkspaceMgr workspaceMgr) {
        computeGradientAndScore();
    }

    /**
     * As DL4J's, compiled: {@code score()} and {@code gradient()} then hold the step's loss (batch
     * mean, plus regularisation) and every parameter's gradient (summed over the batch). Masks,
     * a configuration without mini-batch averaging, and shapes the compiled step cannot run
     * (logged once) go to DL4J's own step. Listeners' {@code onForwardPass} and
     * {@code onBackwardPass} are not called by the compiled step.
     */
    @Override
    public void computeGradientAndScore() {
        INDArray[] masks = getInputMaskArrays();
        INDArray[] labelMasks = getLabelMaskArrays();
        if (fallback != null || !conf().isMiniBatch() || masks != null && Arrays.stream(masks).anyMatch(m -> m != null)
                || labelMasks != null && Arrays.stream(labelMasks).anyMatch(m -> m != null)) {
            super.computeGradientAndScore();
            return;
        }
        synchronizeIterEpochCounts();
        if (getFlattenedGradients() == null) {
            initGradientsView();
        }
        INDArray x = getInput(0);
        x = x.dataType() == DataType.FLOAT && x.ordering() == 'c' && !x.isView() ? x : x.castTo(DataType.FLOAT).dup('c');
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            step = steps.get(x.shape(), sh -> TrainingLowering.lower(this, sh));
        } catch (UnsupportedLayerException e) {
            fallback = e.getMessage();
            LOG.info("training through DL4J from now on: {}", fallback);
            super.computeGradientAndScore();
            return;
        }
        if (views == null) {
            views = gradientViews();
        }
        for (Mask m : step.masks()) {
            Nd4j.getExecutioner().exec(new BernoulliDistribution(m.mask(), m.retain()));
            m.mask().divi(m.retain());
        }
        step.plan().bindInput(x);
        step.plan().run(0, step.forwardSteps());
        double loss = 0;
        for (int i = 0; i < step.losses().size(); i++) {
            loss += crossEntropy(step.losses().get(i), labels[i]);
        }
        for (BatchStats b : step.stats()) {
            // DL4J's running-statistics "gradient", applied unscaled by its no-op updater:
            // (running - batch) (1 - decay), so that running -= it gives decay running + (1 - decay) batch
            b.meanGrad().assign(b.runningMean()).subi(b.mean()).muli(1 - b.decay());
            b.varGrad().assign(b.runningVar()).subi(b.var()).muli(1 - b.decay());
        }
        step.plan().run(step.forwardSteps(), step.plan().size());
        gradient = views;
        score = loss + calcRegularizationScore(true);
    }

    /**
     * Writes {@code dL/dlogits} of one softmax cross-entropy output, as DL4J's {@code LossMCXENT}
     * computes it, and returns its score: the batch mean of {@code -sum(labels * log p)}, with
     * {@code p} clipped to {@code [eps, 1 - eps]} and each class weighted when weights are set.
     */
    private double crossEntropy(Loss loss, INDArray labels) {
        INDArray p = step.plan().array(loss.probs());
        if (!Arrays.equals(p.shape(), labels.shape())) {
            throw new IllegalArgumentException("labels of shape " + Arrays.toString(labels.shape())
                    + " for an output of shape " + Arrays.toString(p.shape()));
        }
        INDArray y = labels.castTo(DataType.FLOAT);
        if (!Double.isFinite(p.sumNumber().doubleValue())) {
            loss.dLogits().assign(Double.NaN); // a diverged step, as DL4J's: NaN gradients and score
            return Double.NaN;
        }
        INDArray w = loss.weights() == null ? null : loss.weights().castTo(DataType.FLOAT);
        if (w == null) {
            loss.dLogits().assign(p).subi(y);
        } else {
            INDArray t = y.mulRowVector(w);
            loss.dLogits().assign(p.mulColumnVector(t.sum(true, 1)).subi(t));
        }
        double eps = loss.clipEps();
        INDArray s = Transforms.log(Transforms.min(Transforms.max(p, eps, true), 1 - eps, false), false).muli(y);
        if (w != null) {
            s.muliRowVector(w);
        }
        return -s.sumNumber().doubleValue() / p.size(0);
    }

    /** The gradient of every parameter, as views of the flattened gradient array (DL4J's order). */
    private Gradient gradientViews() {
        Gradient g = new DefaultGradient(getFlattenedGradients());
        for (Layer l : getLayers()) {
            if (l.numParams() == 0) {
                continue;
            }
            String name = l.conf().getLayer().getLayerName();
            l.conf().getLayer().initializer().getGradientsFromFlattened(l.conf(), l.getGradientsViewArray())
                    .forEach((param, view) -> g.setGradientFor(name + "_" + param, view));
        }
        return g;
    }

    /** The last compiled step run, or {@code null} (none yet, or DL4J's step ran): for tests. */
    TrainingLowering.Step compiledStep() {
        return fallback == null ? step : null;
    }

    /** Frees the compiled steps (they are rebuilt on the next training step); the network stays usable. */
    public void releaseCompiled() {
        steps.clear();
        step = null;
    }

    /** Frees the compiled steps, then everything DL4J's {@code close} frees. */
    @Override
    public void close() {
        releaseCompiled();
        super.close();
    }
}
