package io.glimpse.report;

import io.glimpse.image.Png;
import io.glimpse.tokens.Fidelity;
import io.glimpse.tokens.TokenSet;

import java.util.Base64;
import java.util.List;
import java.util.Locale;

/** Side-by-side page of several reductions of the same tokens: metrics and per-frame provenance heatmaps. */
public final class CompareReport {

    /** One pipeline's outcome. */
    public record Row(String pipeline, TokenSet tokens, Fidelity fidelity, double millis) {
    }

    private CompareReport() {
    }

    public static String render(String source, TokenSet input, List<Row> rows, int maxFrames) {
        int frames = Math.min(maxFrames, input.frameCount());
        int cell = Math.max(2, Math.min(12, 240 / Math.max(input.frameInfo(0).gridW(), 1)));
        StringBuilder h = new StringBuilder(1 << 16);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Glimpse compare: ")
                .append(PlanReport.esc(source)).append("</title>\n<style>body{font-family:system-ui,sans-serif;margin:24px;")
                .append("color:#222}table{border-collapse:collapse;font-size:13px;margin-bottom:20px}td,th{padding:3px 10px;")
                .append("border-bottom:1px solid #ddd;text-align:right}td:first-child,th:first-child{text-align:left;")
                .append("font-family:monospace}.maps{display:flex;gap:6px;flex-wrap:wrap;margin:4px 0 18px}.maps img{")
                .append("image-rendering:pixelated;border:1px solid #ccc}</style></head>\n<body>\n<h1>Glimpse compare</h1>\n<p>")
                .append(PlanReport.esc(source)).append(": ").append(input.size()).append(" tokens of dimension ")
                .append(input.dim()).append(", ").append(input.frameCount()).append(" frames. Heatmaps: grey = kept alone, ")
                .append("colour = merged into one token (white dot at its anchor), black = dropped.</p>\n")
                .append("<table><tr><th>pipeline</th><th>tokens</th><th>dropped patches</th><th>mean cos</th>")
                .append("<th>worst cos</th><th>coverage radius</th><th>ms</th></tr>\n");
        for (Row r : rows) {
            Fidelity f = r.fidelity();
            h.append("<tr><td>").append(PlanReport.esc(r.pipeline())).append("</td><td>").append(f.tokens())
                    .append("</td><td>").append(f.dropped()).append("</td><td>").append(fmt(f.meanCosine()))
                    .append("</td><td>").append(fmt(f.worstCosine())).append("</td><td>").append(fmt(f.coverageRadius()))
                    .append("</td><td>").append(String.format(Locale.ROOT, "%.1f", r.millis())).append("</td></tr>\n");
        }
        h.append("</table>\n");
        for (Row r : rows) {
            h.append("<h3>").append(PlanReport.esc(r.pipeline())).append("</h3><div class=\"maps\">");
            for (int f = 0; f < frames; f++) {
                h.append("<img class=\"heatmap\" alt=\"frame ").append(f).append("\" src=\"data:image/png;base64,")
                        .append(Base64.getEncoder().encodeToString(Png.encode(Heatmap.render(r.tokens(), f, cell))))
                        .append("\">");
            }
            h.append("</div>\n");
        }
        return h.append("</body></html>\n").toString();
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
