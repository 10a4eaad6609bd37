package io.glimpse.tensor;

import java.lang.invoke.MethodHandles;
import java.util.function.Supplier;

/**
 * Chooses the kernel implementations once per JVM: the Vector API ones when the module
 * {@code jdk.incubator.vector} is in the boot layer and its preferred species is at least 128 bits wide, the
 * scalar ones otherwise. The vector classes are looked up by name so that nothing touches the Vector API
 * when the module is absent (the pattern of Lucene's VectorizationProvider). The system property
 * {@code glimpse.vector=false} forces the scalar path. Silent either way.
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

    /** Lazy holder: the choice is made on first use, and class initialisation makes it thread-safe. */
    private static final class Holder {
        static final VectorOps OPS = choose(VectorOps.class, "PanamaVectorOps",
                System.getProperty(DISABLE_PROPERTY), ScalarVectorOps::new);
    }
}
