package io.glimpse.tensor;

import java.lang.invoke.MethodHandles;
import java.util.function.Supplier;

/**
 * Chooses the kernel implementations once per JVM: the Vector API ones when the module
 * {@code jdk.incubator.vector} is in the boot layer and its preferred species is at least 128 bits wide, the
 * scalar ones otherwise. The vector classes are looked up by name so that nothing touches the Vector API
 * when the module is absent (the pattern of Lucene's VectorizationProvider). The system property
 * {@code glimpse.vector=false} forces the scalar path. A fallback nobody asked for prints one line to stderr naming
 * the fix, once per JVM ({@link #noteFallback}).
 */
final class VectorOpsProvider {
    static final String VECTOR_MODULE = "jdk.incubator.vector";
    static final String DISABLE_PROPERTY = "glimpse.vector";
    static final int MIN_VECTOR_BITS = 128;

    private VectorOpsProvider() {
    }

    static VectorOps instance() {
        return Holder.OPS;
    }

    /** True when the Vector API module was resolved at startup (e.g. by --add-modules). */
    static boolean vectorModulePresent() {
        return ModuleLayer.boot().findModule(VECTOR_MODULE).filter(VectorOpsProvider.class.getModule()::canRead).isPresent();
    }

    /**
     * The Vector API implementation of the named class when the vector path is allowed and usable,
     * else {@code fallback}.
     *
     * @param vectorProperty the value of {@code glimpse.vector} (null when unset)
     */
    static <T> T choose(Class<T> type, String vectorClassName, String vectorProperty, Supplier<? extends T> fallback) {
        if ("false".equalsIgnoreCase(vectorProperty) || !vectorModulePresent()) {
            return fallback.get();
        }
        try {
            Class<?> cls = MethodHandles.lookup().findClass(VectorOpsProvider.class.getPackageName() + "." + vectorClassName);
            return type.cast(cls.getDeclaredConstructor().newInstance());
        } catch (ReflectiveOperationException | LinkageError e) {
            // The constructor refusing a narrow species arrives here wrapped in an InvocationTargetException.
            return fallback.get();
        }
    }

    /** The line printed when the scalar kernels run although nobody turned the vector ones off. */
    static final String SCALAR_NOTE = "glimpse: note: the Vector API is unavailable, so the scalar kernels run (several times "
            + "slower); start java with --add-modules jdk.incubator.vector (./glimpse does)";

    private static final java.util.Set<String> NOTED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Prints {@code line} to stderr unless it was printed before in this JVM. */
    static void noteFallback(String line) {
        if (NOTED.add(line)) {
            System.err.println(line);
        }
    }

    /** Lazy holder: the choice is made on first use, and class initialisation makes it thread-safe. */
    private static final class Holder {
        static final VectorOps OPS = withNote(choose(VectorOps.class, "PanamaVectorOps",
                System.getProperty(DISABLE_PROPERTY), ScalarVectorOps::new));

        private static VectorOps withNote(VectorOps ops) {
            if (ops instanceof ScalarVectorOps && !"false".equalsIgnoreCase(System.getProperty(DISABLE_PROPERTY))) {
                noteFallback(SCALAR_NOTE);
            }
            return ops;
        }
    }
}
