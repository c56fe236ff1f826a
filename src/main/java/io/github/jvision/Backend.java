package io.github.jvision;

import org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

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
    /** JavaCPP's platform extension; selects a native build, e.g. {@code linux-x86_64-onednn}. */
    public static final String PLATFORM_EXTENSION = "org.bytedeco.javacpp.platform.extension";
    /** DL4J's switch for layer helpers (cuDNN/oneDNN); DL4J M2.1 defaults it to "true". */
    public static final String HELPERS_DISABLE = "org.eclipse.deeplearning4j.helpers.disable";

    /** Where a native build's libraries sit on the class path, by platform extension. */
    private static final String NATIVE_DIR = "org/nd4j/linalg/cpu/nativecpu/bindings/linux-x86_64";
    /** CPU flags each oneDNN build is compiled for, fastest first (javacpp's avx512 builds target AVX-512 F/BW/DQ/VL). */
    private static final Map<String, List<String>> BUILDS = new LinkedHashMap<>();

    static {
        BUILDS.put("-onednn-avx512", List.of("avx512f", "avx512bw", "avx512dq", "avx512vl"));
        BUILDS.put("-onednn-avx2", List.of("avx2", "fma"));
        BUILDS.put("-onednn", List.of());
    }

    private Backend() {
    }

    /**
     * Requests the fastest oneDNN native build on the class path that the CPU can run (see
     * {@link #nativeBuild}; the library depends on the portable one) and enables DL4J's layer
     * helpers. Idempotent and cheap; has no effect on the build already loaded if ND4J has been
     * initialised before.
     */
    public static synchronized void init() {
        if (System.getProperty(PLATFORM_EXTENSION) == null) {
            String build = nativeBuild(cpuFlags(), ext -> Backend.class.getClassLoader()
                    .getResource(NATIVE_DIR + ext + "/") != null);
            if (build != null) {
                System.setProperty(PLATFORM_EXTENSION, build);
            }
        }
        if (System.getProperty(HELPERS_DISABLE) == null) {
            System.setProperty(HELPERS_DISABLE, "false");
        }
    }

    /**
     * The fastest oneDNN build of nd4j-native that is on the class path and that this CPU can run:
     * {@code -onednn-avx512}, {@code -onednn-avx2}, then the portable {@code -onednn}.
     *
     * @param cpuFlags the CPU's feature flags, as /proc/cpuinfo names them
     * @param present  whether the build with a given platform extension is on the class path
     * @return the platform extension, or null if no oneDNN build is present (another backend)
     */
    static String nativeBuild(Set<String> cpuFlags, Predicate<String> present) {
        return BUILDS.entrySet().stream().filter(b -> cpuFlags.containsAll(b.getValue()) && present.test(b.getKey()))
                .map(Map.Entry::getKey).findFirst().orElse(null);
    }

    /** @return the CPU's feature flags from /proc/cpuinfo (Linux); empty where unknown */
    static Set<String> cpuFlags() {
        try (var lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("flags")).findFirst()
                    .map(l -> Set.of(l.substring(l.indexOf(':') + 1).trim().split("\\s+"))).orElse(Set.of());
        } catch (IOException | UncheckedIOException e) {
            return Set.of();
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
        return "backend=" + env.getProperty("backend") + " build=" + System.getProperty(PLATFORM_EXTENSION, "(default)")
                + " blas=" + env.getProperty("blas.vendor")
                + " oneDNN helpers=" + (oneDnnActive() ? "on" : "off")
                + " threads=" + env.get("omp.threads");
    }
}
