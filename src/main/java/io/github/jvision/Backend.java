package io.github.jvision;

import org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Switches on the fast CPU paths of ND4J/DL4J 1.0.0-M2.1: the oneDNN build of nd4j-native and
 * DL4J's oneDNN layer helpers (convolution, batch normalization, pooling).
 *
 * <p>Two things keep those helpers off in a stock M2.1 setup: JavaCPP loads the plain
 * {@code linux-x86_64} native build unless the platform extension {@code -onednn} is requested,
 * and {@code HelperUtils.createHelper} returns no helper unless the system property
 * {@code org.eclipse.deeplearning4j.helpers.disable} is {@code false}. (The third, DL4J's
 * detection of oneDNN, is mended by the shim {@code org.nd4j.nativeblas.Nd4jCpu}.) Call
 * {@link #init()} before ND4J is first used; jvision's entry points (model registry, checkpoint
 * loading, training) call it themselves. Properties the user has set are left as they are.
 */
public final class Backend {
    /** JavaCPP's platform extension; selects the {@code linux-x86_64-onednn} native build. */
    public static final String PLATFORM_EXTENSION = "org.bytedeco.javacpp.platform.extension";
    /** DL4J's switch for layer helpers (cuDNN/oneDNN); DL4J M2.1 defaults it to "true". */
    public static final String HELPERS_DISABLE = "org.eclipse.deeplearning4j.helpers.disable";

    private static final String ONEDNN_LIBRARY =
            "org/nd4j/linalg/cpu/nativecpu/bindings/linux-x86_64-onednn/";

    private Backend() {
    }

    /**
     * Requests the oneDNN native build when it is on the class path and enables DL4J's layer
     * helpers. Idempotent and cheap; has no effect on the build already loaded if ND4J has been
     * initialised before.
     */
    public static synchronized void init() {
        if (System.getProperty(PLATFORM_EXTENSION) == null
                && Backend.class.getClassLoader().getResource(ONEDNN_LIBRARY) != null) {
            System.setProperty(PLATFORM_EXTENSION, "-onednn");
        }
        if (System.getProperty(HELPERS_DISABLE) == null) {
            System.setProperty(HELPERS_DISABLE, "false");
        }
    }

    /** @return whether DL4J will attach oneDNN helpers to new layers */
    public static boolean oneDnnActive() {
        init();
        return !Boolean.parseBoolean(System.getProperty(HELPERS_DISABLE)) && BaseMKLDNNHelper.mklDnnEnabled();
    }

    /** @return a one-line description of the ND4J backend, e.g. for logs and benchmarks */
    public static String describe() {
        init();
        var env = Nd4j.getExecutioner().getEnvironmentInformation();
        return "backend=" + env.getProperty("backend") + " blas=" + env.getProperty("blas.vendor")
                + " oneDNN helpers=" + (oneDnnActive() ? "on" : "off")
                + " threads=" + env.get("omp.threads");
    }
}
