package io.glimpse.tensor;

/** Chooses the VectorOps implementation once per JVM. */
final class VectorOpsProvider {
    private VectorOpsProvider() {
    }

    static VectorOps instance() {
        return Holder.INSTANCE;
    }

    private static final class Holder {
        static final VectorOps INSTANCE = new ScalarVectorOps();
    }
}
