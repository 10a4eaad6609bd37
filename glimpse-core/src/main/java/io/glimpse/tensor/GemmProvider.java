package io.glimpse.tensor;

import java.lang.invoke.MethodHandles;
import java.util.Locale;

/**
 * Chooses the GEMM backend once per JVM: OpenBLAS when its native library loads, else the Vector API kernel
 * (or the naive loops, by the rules of {@link VectorOpsProvider}). The system property
 * {@code glimpse.gemm=openblas|panama|naive} forces one; a forced backend that cannot load is an error on
 * every {@link Gemm#get()} rather than a silent fallback. An unforced fallback prints one line naming the fix
 * (OpenBLAS missing; the naive loops for want of the Vector API, the same line the vector kernels print).
 */
final class GemmProvider {
    static final String PROPERTY = "glimpse.gemm";

    private GemmProvider() {
    }

    static Gemm gemm() {
        if (Holder.CHOICE.error() != null) {
            throw new IllegalStateException(Holder.CHOICE.error());
        }
        return Holder.CHOICE.gemm();
    }

    /** Either a backend or the one-line reason none could be made. */
    record Choice(Gemm gemm, String error) {
    }

    /**
     * The backend the property value asks for ({@code null} or blank: the fastest that loads).
     *
     * @param vectorProperty the value of {@code glimpse.vector}, which can rule out the Vector API kernel
     */
    static Choice choose(String gemmProperty, String vectorProperty) {
        String name = gemmProperty == null ? "" : gemmProperty.trim().toLowerCase(Locale.ROOT);
        switch (name) {
            case "":
                Gemm blas = openBlas();
                if (blas != null) {
                    return new Choice(blas, null);
                }
                VectorOpsProvider.noteFallback(openBlasNote());
                Gemm java = panamaOrNaive(vectorProperty);
                if (java instanceof NaiveGemm && !"false".equalsIgnoreCase(vectorProperty)) {
                    VectorOpsProvider.noteFallback(VectorOpsProvider.SCALAR_NOTE);
                }
                return new Choice(java, null);
            case "openblas":
                Gemm forced = openBlas();
                return forced != null ? new Choice(forced, null)
                        : new Choice(null, PROPERTY + "=openblas but the OpenBLAS native library did not load on "
                                + System.getProperty("os.name") + "/" + System.getProperty("os.arch"));
            case "panama":
                Gemm panama = VectorOpsProvider.choose(Gemm.class, "PanamaGemm", vectorProperty, () -> null);
                return panama != null ? new Choice(panama, null)
                        : new Choice(null, PROPERTY + "=panama but the Vector API is unavailable or disabled"
                                + " (run with --add-modules=jdk.incubator.vector)");
            case "naive":
                return new Choice(new NaiveGemm(), null);
            default:
                return new Choice(null, "unknown " + PROPERTY + "='" + gemmProperty + "'; valid: openblas, panama, naive");
        }
    }

    private static Gemm panamaOrNaive(String vectorProperty) {
        return VectorOpsProvider.choose(Gemm.class, "PanamaGemm", vectorProperty, NaiveGemm::new);
    }

    /** OpenBLAS looked up by name, so a missing jar or native library is a fallback, not a linkage failure here. */
    private static Gemm openBlas() {
        try {
            Class<?> cls = MethodHandles.lookup().findClass(GemmProvider.class.getPackageName() + ".OpenBlasGemm");
            return (Gemm) cls.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;
        }
    }

    /** The line printed when the default choice cannot load OpenBLAS. */
    static String openBlasNote() {
        return "glimpse: note: the OpenBLAS native library did not load on " + System.getProperty("os.name") + "/"
                + System.getProperty("os.arch") + ", so matrix products run on the Java kernels (slower); run where "
                + "org.bytedeco:openblas has natives, or pass -D" + PROPERTY + "=panama to choose them";
    }

    /** Lazy holder: the choice is made on first use, and class initialisation makes it thread-safe. */
    private static final class Holder {
        static final Choice CHOICE = choose(System.getProperty(PROPERTY), System.getProperty(VectorOpsProvider.DISABLE_PROPERTY));
    }
}
