package io.glimpse.report;

import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * One self-contained HTML page showing a plan: a timeline of the video with scene boundaries and the chosen
 * frames and clips, each chosen frame (embedded PNG) with its cost, and how much of the budget was used.
 *
 * <p>A small script marks the page once every image has decoded ({@code data-images-loaded} on the body) and
 * sums the per-frame costs shown ({@code data-total-cost}), so a headless browser can check what a reader sees.
 */
public final class PlanReport {

    /** One chosen frame as the page shows it. */
    public record Frame(double timestamp, int scene, int clip, int width, int height, int cost, byte[] png,
                        byte[] heatmapPng, int tokensKept) {
    }

    /** Everything the page needs. */
    public record Input(String source, double duration, String target, String method, int budget, int totalCost,
                        List<Double> sceneCuts, List<Frame> frames, List<String> notes) {
    }

    private PlanReport() {
    }

    public static String render(Input in) {
        StringBuilder h = new StringBuilder(1 << 16);
        double used = in.budget() == 0 ? 0 : 100.0 * in.totalCost() / in.budget();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>Glimpse plan: ")
                .append(esc(in.source())).append("</title>\n<style>\n")
                .append("body{font-family:system-ui,sans-serif;margin:24px;color:#222;background:#fafafa}")
                .append("h1{font-size:20px;margin:0 0 4px}.sub{color:#666;margin-bottom:16px}")
                .append(".budget{height:14px;background:#ddd;border-radius:7px;overflow:hidden;width:100%;max-width:640px}")
                .append(".budget>div{height:100%;background:#3a7}")
                .append("svg.timeline{width:100%;height:70px;display:block;margin:16px 0}")
                .append(".frames{display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:12px}")
                .append("figure{margin:0;background:#fff;border:1px solid #ddd;border-radius:6px;padding:6px}")
                .append("figure img{width:100%;height:auto;display:block;image-rendering:auto}")
                .append("figure img.heatmap{image-rendering:pixelated;margin-top:4px}")
                .append("figcaption{font-size:12px;color:#444;margin-top:4px}")
                .append("table{border-collapse:collapse;font-size:13px}td,th{padding:2px 8px;text-align:right}")
                .append("</style></head>\n<body>\n");
        h.append("<h1>Glimpse plan</h1><div class=\"sub\">").append(esc(in.source())).append(" · ")
                .append(fmt(in.duration())).append(" s · target ").append(esc(in.target())).append(" · method ")
                .append(esc(in.method())).append("</div>\n");
        h.append("<p>Budget used: <b id=\"total\">").append(in.totalCost()).append("</b> of <b id=\"budget\">")
                .append(in.budget()).append("</b> tokens (").append(String.format(Locale.ROOT, "%.1f", used))
                .append("%), ").append(in.frames().size()).append(" frames, ").append(in.sceneCuts().size() + 1)
                .append(" scenes.</p>\n<div class=\"budget\"><div style=\"width:")
                .append(String.format(Locale.ROOT, "%.2f", Math.min(100, used))).append("%\"></div></div>\n");
        timeline(h, in);
        h.append("<p class=\"legend\">Timeline: scenes as bands, red lines at scene cuts, ticks at the chosen frames "
                + "(green when part of a clip).</p>\n");
        for (String note : in.notes()) {
            h.append("<p class=\"note\">").append(esc(note)).append("</p>\n");
        }
        h.append("<div class=\"frames\">\n");
        for (Frame f : in.frames()) {
            h.append("<figure class=\"frame\" data-cost=\"").append(f.cost()).append("\"><img alt=\"frame at ")
                    .append(fmt(f.timestamp())).append(" s\" src=\"data:image/png;base64,")
                    .append(Base64.getEncoder().encodeToString(f.png())).append("\"><figcaption>t = ")
                    .append(fmt(f.timestamp())).append(" s · scene ").append(f.scene())
                    .append(f.clip() >= 0 ? " · clip " + f.clip() : "").append(" · ").append(f.width()).append('×')
                    .append(f.height()).append(" · <b>").append(f.cost()).append("</b> tokens")
                    .append(f.heatmapPng() == null ? "" : " · " + f.tokensKept() + " visual tokens after reduction")
                    .append("</figcaption>");
            if (f.heatmapPng() != null) {
                h.append("<img class=\"heatmap\" alt=\"provenance heatmap\" src=\"data:image/png;base64,")
                        .append(Base64.getEncoder().encodeToString(f.heatmapPng())).append("\">");
            }
            h.append("</figure>\n");
        }
        h.append("</div>\n<script>\n")
                .append("(function(){var imgs=[].slice.call(document.querySelectorAll('figure.frame img'));")
                .append("var sum=0;document.querySelectorAll('figure.frame').forEach(function(f){sum+=+f.dataset.cost;});")
                .append("document.body.dataset.totalCost=sum;document.body.dataset.imagesTotal=imgs.length;")
                .append("function mark(){document.body.dataset.imagesLoaded=imgs.filter(function(i){")
                .append("return i.complete&&i.naturalWidth>0;}).length;}")
                .append("imgs.forEach(function(i){i.addEventListener('load',mark);i.addEventListener('error',mark);});")
                .append("mark();window.addEventListener('load',mark);})();\n</script>\n</body></html>\n");
        return h.toString();
    }

    private static void timeline(StringBuilder h, Input in) {
        double dur = Math.max(in.duration(), 1e-9);
        h.append("<svg class=\"timeline\" viewBox=\"0 0 1000 70\" preserveAspectRatio=\"none\" role=\"img\" ")
                .append("aria-label=\"timeline\">\n");
        double prev = 0;
        List<Double> cuts = new java.util.ArrayList<>(in.sceneCuts());
        cuts.add(dur);
        for (int s = 0; s < cuts.size(); s++) {
            double x0 = 1000 * prev / dur;
            double x1 = 1000 * cuts.get(s) / dur;
            h.append("<rect class=\"scene\" x=\"").append(fmt(x0)).append("\" y=\"10\" width=\"")
                    .append(fmt(Math.max(0, x1 - x0))).append("\" height=\"30\" fill=\"")
                    .append(s % 2 == 0 ? "#cfe3f7" : "#f7e3cf").append("\"><title>scene ").append(s).append(": ")
                    .append(fmt(prev)).append("–").append(fmt(cuts.get(s))).append(" s</title></rect>\n");
            prev = cuts.get(s);
        }
        for (Double c : in.sceneCuts()) {
            double x = 1000 * c / dur;
            h.append("<line class=\"cut\" x1=\"").append(fmt(x)).append("\" x2=\"").append(fmt(x))
                    .append("\" y1=\"5\" y2=\"45\" stroke=\"#c33\" stroke-width=\"2\"/>\n");
        }
        for (Frame f : in.frames()) {
            double x = 1000 * f.timestamp() / dur;
            h.append("<line class=\"pick\" x1=\"").append(fmt(x)).append("\" x2=\"").append(fmt(x))
                    .append("\" y1=\"45\" y2=\"65\" stroke=\"").append(f.clip() >= 0 ? "#274" : "#333")
                    .append("\" stroke-width=\"2\"><title>").append(fmt(f.timestamp())).append(" s, ")
                    .append(f.cost()).append(" tokens</title></line>\n");
        }
        h.append("</svg>\n");
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
