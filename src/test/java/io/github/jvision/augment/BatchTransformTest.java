package io.github.jvision.augment;

import io.github.jvision.augment.BatchTransform.Batch;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** MixUp and CutMix against the known faults C01, C02, C03 and C05 and their distributions. */
class BatchTransformTest {

    /** n images of c x h x w, image i constant {@code values[i]}; one-hot targets for class {@code labels[i]}. */
    private static Batch batch(int c, int h, int w, int k, float[] values, int[] labels) {
        int n = values.length, size = c * h * w;
        float[] x = new float[n * size], y = new float[n * k];
        for (int i = 0; i < n; i++) {
            Arrays.fill(x, i * size, (i + 1) * size, values[i]);
            y[i * k + labels[i]] = 1;
        }
        return new Batch(x, y, n, c, h, w, k);
    }

    private static float[] row(float[] a, int i, int len) {
        return Arrays.copyOfRange(a, i * len, (i + 1) * len);
    }

    private static double mean(float[] a) {
        double s = 0;
        for (float v : a) {
            s += v;
        }
        return s / a.length;
    }

    /** C01: lambda 0.75 on 8x8, box 4x4; centred at (4, 4) it fits (lambda' 0.75), at (0, 0) it is clipped to 2x2 (0.9375). */
    @Test
    void cutMixLambdaComesFromTheClippedBox() {
        // A (0, class 0) is sample 1, so its predecessor (rolled by one) is B (1, class 1), sample 0
        Batch inside = batch(1, 8, 8, 2, new float[]{1, 0}, new int[]{1, 0});
        assertEquals(0.75, CutMix.cut(inside, 0.75, 4, 4), 1e-12);
        float[] a = row(inside.x(), 1, 64);
        assertEquals(0.25, mean(a), 1e-6);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                assertEquals(y >= 2 && y <= 5 && x >= 2 && x <= 5 ? 1f : 0f, a[y * 8 + x], "pixel " + y + ", " + x);
            }
        }
        assertArrayEquals(new float[]{0.75f, 0.25f}, row(inside.y(), 1, 2), 1e-6f);

        Batch corner = batch(1, 8, 8, 2, new float[]{1, 0}, new int[]{1, 0});
        assertEquals(0.9375, CutMix.cut(corner, 0.75, 0, 0), 1e-12);
        assertEquals(0.0625, mean(row(corner.x(), 1, 64)), 1e-6);
        assertArrayEquals(new float[]{0.9375f, 0.0625f}, row(corner.y(), 1, 2), 1e-6f);
    }

    /** C01 invariant over 1000 random draws: the partner's label weight is the fraction of pixels from the partner. */
    @Test
    void cutMixTargetEqualsThePastedArea() {
        var rng = new SplittableRandom(1);
        var cutmix = new CutMix(1.0);
        for (int t = 0; t < 1000; t++) {
            Batch b = batch(1, 7, 12, 2, new float[]{1, 0}, new int[]{1, 0});
            cutmix.apply(b, rng);
            double fromPartner = mean(row(b.x(), 1, 84));
            assertEquals(fromPartner, row(b.y(), 1, 2)[1], 1e-6);
            assertEquals(1.0, row(b.y(), 1, 2)[0] + row(b.y(), 1, 2)[1], 1e-6);
        }
    }

    /** C02: H = 4, W = 8, lambda 0.75, centre (2, 4): a 2x4 box, rows 1-2 and columns 2-5, in each of 3 channels. */
    @Test
    void cutMixBoxOnANonSquareImage() {
        Batch b = batch(3, 4, 8, 2, new float[]{1, 0}, new int[]{1, 0});
        assertEquals(0.75, CutMix.cut(b, 0.75, 2, 4), 1e-12);
        float[] a = row(b.x(), 1, 96);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 8; x++) {
                    assertEquals(y >= 1 && y <= 2 && x >= 2 && x <= 5 ? 1f : 0f, a[(c * 4 + y) * 8 + x]);
                }
            }
            assertEquals(0.25, mean(Arrays.copyOfRange(a, c * 32, (c + 1) * 32)), 1e-6);
        }
    }

    /**
     * C03 with torchvision's pairing (the batch rolled by one, sample i with i - 1): constants 0, 1, 2
     * with labels 0, 1, 2 and lambda 0.7 give 0.6, 0.3, 1.7 and the same pairs of targets.
     */
    @Test
    void mixUpOddAndSizeOneBatches() {
        Batch b = batch(1, 2, 2, 3, new float[]{0, 1, 2}, new int[]{0, 1, 2});
        MixUp.mix(b, 0.7);
        assertEquals(3, b.n());
        float[] expectedX = {0.7f * 0 + 0.3f * 2, 0.7f * 1 + 0.3f * 0, 0.7f * 2 + 0.3f * 1};
        float[][] expectedY = {{0.7f, 0, 0.3f}, {0.3f, 0.7f, 0}, {0, 0.3f, 0.7f}};
        for (int i = 0; i < 3; i++) {
            for (float v : row(b.x(), i, 4)) {
                assertEquals(expectedX[i], v, 1e-6f);
            }
            assertArrayEquals(expectedY[i], row(b.y(), i, 3), 1e-6f);
        }
        Batch one = batch(1, 2, 2, 3, new float[]{0.4f}, new int[]{2});
        MixUp.mix(one, 0.3);
        CutMix.cut(one, 0.3, 1, 1);
        assertArrayEquals(new float[]{0.4f, 0.4f, 0.4f, 0.4f}, one.x(), 1e-6f);
        assertArrayEquals(new float[]{0, 0, 1}, one.y(), 1e-6f);
    }

    /** MixUp's lambda follows Beta(alpha, alpha): mean 1/2, variance 1 / (4 (2 alpha + 1)), for alpha 0.2 and 1. */
    @Test
    void mixUpLambdaIsBetaDistributed() {
        for (double alpha : new double[]{0.2, 1.0}) {
            var rng = new SplittableRandom(3);
            int n = 20_000;
            double sum = 0, sq = 0;
            for (int i = 0; i < n; i++) {
                Batch b = batch(1, 1, 1, 2, new float[]{1, 0}, new int[]{1, 0});
                new MixUp(alpha).apply(b, rng);
                double lambda = b.x()[0]; // sample 0 (value 1) mixed with sample 1 (value 0)
                sum += lambda;
                sq += lambda * lambda;
            }
            double mean = sum / n, var = sq / n - mean * mean;
            assertEquals(0.5, mean, 0.01, "alpha " + alpha);
            assertEquals(1 / (4 * (2 * alpha + 1)), var, 0.005, "alpha " + alpha);
        }
        // alpha 1 is uniform: a quarter of the draws below 0.25
        var rng = new SplittableRandom(4);
        int below = 0;
        for (int i = 0; i < 20_000; i++) {
            below += BatchTransform.beta(1.0, rng) < 0.25 ? 1 : 0;
        }
        assertEquals(0.25, below / 20_000.0, 0.01);
    }

    /** With both on, each batch gets one of the two, about half the time each. */
    @Test
    void bothChooseOnePerBatch() {
        var both = BatchTransform.of(0.2, 1.0);
        var rng = new SplittableRandom(5);
        int cut = 0, n = 4000;
        for (int i = 0; i < n; i++) {
            Batch b = batch(1, 16, 16, 2, new float[]{1, 0}, new int[]{1, 0});
            both.apply(b, rng);
            float[] img = row(b.x(), 1, 256);
            boolean binary = true;
            for (float v : img) {
                binary &= v == 0f || v == 1f;
            }
            cut += binary ? 1 : 0; // CutMix copies pixels; MixUp blends them (0 < lambda < 1 almost surely)
        }
        assertEquals(0.5, cut / (double) n, 0.03);
        assertThrows(IllegalArgumentException.class, () -> BatchTransform.of(-1, 0));
    }

    /**
     * C05: the loss the output layer uses (DL4J's MCXENT after softmax) takes soft targets: logits
     * [2, 0] and target [0.25, 0.75] give 1.626928 and gradient softmax - t = [0.630797, -0.630797].
     */
    @Test
    void softTargetLoss() {
        var logits = Nd4j.createFromArray(new float[][]{{2f, 0f}});
        var target = Nd4j.createFromArray(new float[][]{{0.25f, 0.75f}});
        var loss = new LossMCXENT();
        assertEquals(1.626928, loss.computeScore(target, logits.dup(), new ActivationSoftmax(), null, true), 1e-5);
        var grad = loss.computeGradient(target, logits.dup(), new ActivationSoftmax(), null);
        assertArrayEquals(new float[]{0.630797f, -0.630797f}, grad.toFloatVector(), 1e-5f);
    }
}
