package io.glimpse.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.glimpse.image.Png;
import io.glimpse.plan.PlannedFrame;
import io.glimpse.reduce.StageReport;
import io.glimpse.report.Heatmap;
import io.glimpse.report.PlanReport;
import io.glimpse.tokens.TokenSet;
import io.glimpse.tokens.TokenFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a plan's four outputs into a directory: the chosen frames as PNG, {@code plan.json},
 * {@code tokens.safetensors} and the self-contained {@code report.html}.
 */
public final class PlanOutputs {
    public static final String PLAN_JSON = "plan.json";
    public static final String TOKENS = "tokens.safetensors";
    public static final String REPORT = "report.html";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private PlanOutputs() {
    }

    private static final int HEATMAP_CELL = 6;

    private static int tokensIn(TokenSet t, int frame) {
        int n = 0;
        for (int i = 0; i < t.size(); i++) {
            if (t.frame(i) == frame) {
                n++;
            }
        }
        return n;
    }

    private static final java.util.regex.Pattern FRAME_FILE = java.util.regex.Pattern.compile("frame_\\d{4,}\\.png");

    /** Whether {@code name} is one of the files {@link #write} puts into a plan folder. */
    public static boolean isOutputName(String name) {
        return name.equals(PLAN_JSON) || name.equals(TOKENS) || name.equals(REPORT) || FRAME_FILE.matcher(name).matches();
    }

    public static String frameFile(int i) {
        return String.format(Locale.ROOT, "frame_%04d.png", i);
    }

    public static void write(PlanJob.Result r, Path dir) throws IOException {
        List<PlanReport.Frame> shown = new ArrayList<>();
        for (int i = 0; i < r.frames().size(); i++) {
            PlanJob.ChosenFrame f = r.frames().get(i);
            byte[] png = Png.encode(f.image());
            Files.write(dir.resolve(frameFile(i)), png);
            PlannedFrame p = f.planned();
            byte[] heatmap = r.reduction() == null ? null : Png.encode(Heatmap.render(r.delivered(), i, HEATMAP_CELL));
            shown.add(new PlanReport.Frame(p.timestamp(), p.scene(), p.clip(), p.width(), p.height(), p.cost(), png,
                    heatmap, tokensIn(r.delivered(), i)));
        }
        Files.writeString(dir.resolve(PLAN_JSON), planJson(r));
        TokenFile.write(r.delivered(), dir.resolve(TOKENS), tokenMetadata(r));
        Files.writeString(dir.resolve(REPORT), PlanReport.render(new PlanReport.Input(
                r.video().path().getFileName().toString(), r.video().durationSeconds(), r.plan().target(),
                r.plan().method(), r.plan().budget(), r.plan().totalCost(), r.plan().cuts(), shown, r.warnings())));
    }

    /** Metadata of the plan's token file: encoder, source file name, target and the reduction's stages. */
    public static Map<String, String> tokenMetadata(PlanJob.Result r) {
        Map<String, String> meta = new java.util.LinkedHashMap<>(Map.of("encoder", "patchstats",
                "source", r.video().path().getFileName().toString(), "target", r.plan().target()));
        if (r.reduction() != null) {
            meta.put("pipeline", r.reduction().stages().stream().map(StageReport::stage)
                    .collect(java.util.stream.Collectors.joining(" > ")));
        }
        return meta;
    }

    /** The plan's own JSON plus the source, its duration, each frame's PNG name and any decoding warnings. */
    static String planJson(PlanJob.Result r) throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(r.plan().toJson());
        ObjectNode out = JSON.createObjectNode();
        out.put("source", r.video().path().toString());
        out.put("duration", r.video().durationSeconds());
        out.put("width", r.video().width());
        out.put("height", r.video().height());
        out.put("candidates", r.candidates());
        out.put("tokens", r.delivered().size());
        out.setAll(root);
        ArrayNode frames = (ArrayNode) out.get("frames");
        for (int i = 0; i < frames.size(); i++) {
            ((ObjectNode) frames.get(i)).put("file", frameFile(i));
        }
        if (r.reduction() != null) {
            ObjectNode red = out.putObject("reduction");
            red.put("tokensBefore", r.tokens().size());
            red.put("tokensAfter", r.delivered().size());
            ArrayNode stages = red.putArray("stages");
            for (StageReport s : r.reduction().stages()) {
                stages.addObject().put("stage", s.stage()).put("tokensIn", s.tokensIn()).put("tokensOut", s.tokensOut())
                        .put("millis", s.nanos() / 1e6);
            }
        }
        ArrayNode warnings = out.putArray("warnings");
        r.warnings().forEach(warnings::add);
        return JSON.writeValueAsString(out);
    }
}
