package org.nd4j.nativeblas;

import java.lang.reflect.Method;

/**
 * Compatibility shim that lets DL4J 1.0.0-M2.1 find oneDNN.
 *
 * <p>{@code org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper.mklDnnEnabled()} looks up, by
 * reflection, the class {@code org.nd4j.nativeblas.Nd4jCpu$Environment} and its method
 * {@code isUseMKLDNN()}. nd4j-native 1.0.0-M2.1 ships the environment as
 * {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment} with {@code isUseONEDNN()}
 * instead, so the lookup fails and every convolution, batch-norm and pooling layer silently runs
 * the slow im2col path. This class provides the old name and forwards to the new binding; it
 * answers {@code false} when the native binding is absent (another backend, such as CUDA, where
 * DL4J's cuDNN helpers apply instead), which makes DL4J fall back to its built-in implementations.
 * The binding is looked up by name, so the library compiles and loads without nd4j-native.
 *
 * <p>The package {@code org.nd4j.nativeblas} is shared with nd4j-native-api; that works on the
 * class path (how DL4J is used), not on the module path.
 */
public final class Nd4jCpu {
    private Nd4jCpu() {
    }

    /** The old name of the native environment, as DL4J's helper check expects it. */
    public static final class Environment {
        private static final Environment INSTANCE = new Environment();
        /** The CPU binding's environment and its isUseONEDNN(), looked up once; null without nd4j-native. */
        private static final Object BINDING;
        private static final Method IS_USE_ONEDNN;

        static {
            Object binding = null;
            Method isUseOneDnn = null;
            try {
                Class<?> env = Class.forName("org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment");
                binding = env.getMethod("getInstance").invoke(null);
                isUseOneDnn = env.getMethod("isUseONEDNN");
            } catch (ReflectiveOperationException | LinkageError e) {
                // not the CPU backend, or its native library is missing
            }
            BINDING = binding;
            IS_USE_ONEDNN = isUseOneDnn;
        }

        private Environment() {
        }

        /** @return the singleton, as the native binding has one */
        public static Environment getInstance() {
            return INSTANCE;
        }

        /** @return whether the loaded libnd4j was built with oneDNN and has it switched on */
        public boolean isUseMKLDNN() {
            try {
                return IS_USE_ONEDNN != null && (Boolean) IS_USE_ONEDNN.invoke(BINDING);
            } catch (ReflectiveOperationException e) {
                return false;
            }
        }
    }
}
