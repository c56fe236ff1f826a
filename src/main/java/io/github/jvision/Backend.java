package io.github.jvision;

import org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
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

    private static final String CPU_DIR = "org/nd4j/linalg/cpu/nativecpu/bindings/linux-x86_64";

    /**
     * A native build of ND4J's backend: its JavaCPP platform extension, the class-path directory
     * holding its libraries, and the CPU flags it is compiled for (libnd4j's avx2 builds use AVX2,
     * FMA and F16C; its avx512 builds AVX-512 F/CD/BW/DQ/VL with BMI and BMI2). Keep the flag
     * lists in step with the {@code jvision} launcher's.
     */
    record NativeBuild(String extension, String directory, List<String> cpuFlags) {
    }

    /** Fastest first. The CUDA build's cuDNN variant needs its extension too (not run here: no GPU). */
    static final List<NativeBuild> BUILDS = List.of(
            new NativeBuild("-cudnn", "org/nd4j/linalg/jcublas/bindings/linux-x86_64-cudnn/", List.of()),
            new NativeBuild("-onednn-avx512", CPU_DIR + "-onednn-avx512/", List.of("avx512f", "avx512cd",
                    "avx512bw", "avx512dq", "avx512vl", "avx2", "fma", "f16c", "bmi1", "bmi2")),
            new NativeBuild("-onednn-avx2", CPU_DIR + "-onednn-avx2/", List.of("avx2", "fma", "f16c")),
            new NativeBuild("-onednn", CPU_DIR + "-onednn/", List.of()));

    private static boolean buildChosen;

    private Backend() {
    }

    /**
     * Requests the fastest oneDNN native build on the class path that the CPU can run (see
     * {@link #nativeBuild}; the library depends on the portable one) and enables DL4J's layer
     * helpers. Idempotent and cheap; has no effect on the build already loaded if ND4J has been
     * initialised before.
     */
    public static synchronized void init() {
        if (!buildChosen && System.getProperty(PLATFORM_EXTENSION) == null) {
            String build = nativeBuild(cpuFlags(), b -> Backend.class.getClassLoader()
                    .getResource(b.directory()) != null);
            if (build != null) {
                System.setProperty(PLATFORM_EXTENSION, build);
            }
        }
        buildChosen = true; // once: entry points call init() often
        if (System.getProperty(HELPERS_DISABLE) == null) {
            System.setProperty(HELPERS_DISABLE, "false");
        }
    }

    /**
     * The fastest native build that is on the class path and that this CPU can run: nd4j-cuda's
     * {@code -cudnn}, then nd4j-native's {@code -onednn-avx512}, {@code -onednn-avx2} and the
     * portable {@code -onednn}.
     *
     * @param cpuFlags the CPU's feature flags, as /proc/cpuinfo names them
     * @param present  whether a build is on the class path
     * @return the platform extension, or null if none of these builds is present
     */
    static String nativeBuild(Set<String> cpuFlags, Predicate<NativeBuild> present) {
        return BUILDS.stream().filter(b -> cpuFlags.containsAll(b.cpuFlags()) && present.test(b))
                .map(NativeBuild::extension).findFirst().orElse(null);
    }

    /** @return the CPU's feature flags from /proc/cpuinfo (Linux); empty where unknown */
    static Set<String> cpuFlags() {
        try {
            return cpuFlags(Files.readString(Path.of("/proc/cpuinfo")));
        } catch (IOException | RuntimeException e) {
            return Set.of();
        }
    }

    /** @return the flags of the first "flags" line of a /proc/cpuinfo text; empty if there is none */
    static Set<String> cpuFlags(String cpuinfo) {
        return cpuinfo.lines().filter(l -> l.startsWith("flags")).findFirst()
                .map(l -> Set.copyOf(Arrays.asList(l.substring(l.indexOf(':') + 1).trim().split("\\s+"))))
                .orElse(Set.of());
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
