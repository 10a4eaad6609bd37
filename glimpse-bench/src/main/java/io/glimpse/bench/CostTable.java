package io.glimpse.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Sets each method's time against the ViT work it saves: its ratio to one fc1 sgemm of the input's ViT, and its
 * share of that ViT's whole forward pass over the input, estimated as frames × layers × per-layer FLOPs
 * ({@link VitModel}) at the sgemm's measured GFLOP/s. A method over {@link #FLAG_SHARE} of the forward is flagged.
 */
final class CostTable {
    static final double FLAG_SHARE = 0.05;

    private CostTable() {
    }

    /** A method's measured average time (ms per reduction) and allocation (bytes per reduction, NaN if unknown). */
    record Method(String spec, String shape, double millis, double millisError, double allocBytes) {
    }

    record Row(Method method, InputShape shape, double sgemmMillis, double vitMillis) {
        double sgemmRatio() {
            return method.millis() / sgemmMillis;
        }

        double vitShare() {
            return method.millis() / vitMillis;
        }

        boolean flagged() {
            return vitShare() > FLAG_SHARE;
        }
    }

    /** Milliseconds of the input's whole ViT forward, from the fc1 time of its ViT. */
    static double vitMillis(InputShape shape, double fc1Millis) {
        VitModel vit = shape.vit();
        return fc1Millis * shape.frames() * vit.forwardFlops() / vit.fc1Flops();
    }

    /**
     * @param fc1Millis measured fc1 time per ViT; a method whose ViT is missing is left out
     */
    static List<Row> rows(List<Method> methods, Map<VitModel, Double> fc1Millis) {
        List<Row> rows = new ArrayList<>();
        for (Method m : methods) {
            InputShape shape = InputShape.parse(m.shape());
            Double fc1 = fc1Millis.get(shape.vit());
            if (fc1 != null) {
                rows.add(new Row(m, shape, fc1, vitMillis(shape, fc1)));
            }
        }
        return rows;
    }

    static String render(List<Method> methods, Map<VitModel, Double> fc1Millis) {
        StringBuilder out = new StringBuilder();
        out.append("ViT yardstick: one fc1 sgemm per frame, [N×D]·[M×D]ᵀ; forward ≈ layers × 2·(N·(4D²+2DM) + 2N²D) FLOPs per frame\n");
        for (Map.Entry<VitModel, Double> e : fc1Millis.entrySet()) {
            VitModel v = e.getKey();
            double gflops = v.fc1Flops() / (e.getValue() * 1e6);
            out.append(String.format(Locale.ROOT,
                    "  %-14s N=%d D=%d M=%d layers=%d: sgemm %.2f ms = %.1f GFLOP/s; forward %.1f GFLOP ≈ %.0f ms per frame%n",
                    v.id(), v.tokens, v.dim, v.mlp, v.layers, e.getValue(), gflops, v.forwardFlops() / 1e9,
                    v.forwardFlops() / (gflops * 1e6)));
        }
        out.append(String.format(Locale.ROOT, "%n%-26s %-16s %12s %10s %12s %10s %9s %s%n",
                "method", "shape", "ms/op", "MB/op", "sgemm ms", "×sgemm", "%ViT fwd", ""));
        for (Row r : rows(methods, fc1Millis)) {
            Method m = r.method();
            out.append(String.format(Locale.ROOT, "%-26s %-16s %12s %10s %12.2f %10.2f %8.3f%% %s%n",
                    m.spec(), m.shape(), Double.isNaN(m.millisError())
                            ? String.format(Locale.ROOT, "%.3f", m.millis())
                            : String.format(Locale.ROOT, "%.3f±%.3f", m.millis(), m.millisError()),
                    Double.isNaN(m.allocBytes()) ? "?" : String.format(Locale.ROOT, "%.1f", m.allocBytes() / 1e6),
                    r.sgemmMillis(), r.sgemmRatio(), 100 * r.vitShare(), r.flagged() ? "> 5% of ViT forward" : ""));
        }
        return out.toString();
    }
}
