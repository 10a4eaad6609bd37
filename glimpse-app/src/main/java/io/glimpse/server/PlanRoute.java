package io.glimpse.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.glimpse.image.Png;
import io.glimpse.io.BadInputException;
import io.glimpse.job.PlanJob;
import io.glimpse.media.VideoInfo;
import io.glimpse.media.VideoSource;
import io.glimpse.plan.CostModels;
import io.glimpse.plan.PlanMethod;
import io.glimpse.plan.PlanRequest;
import io.javalin.http.Context;

import java.io.IOException;
import java.util.Base64;
import java.util.Locale;

/**
 * {@code POST /v1/plan}: a video (a JSON body naming it by data: URL or allowed path, or the raw video as the body with
 * the options as query parameters) → the plan manifest and the chosen frames as base64 PNG, what a hosted-API user
 * then sends to their model. No model is needed.
 */
final class PlanRoute {
    private final ServeOptions options;
    private final MediaResolver media;

    PlanRoute(ServeOptions options, MediaResolver media) {
        this.options = options;
        this.media = media;
    }

    /** The request's plan inputs, named as in the JSON body. */
    private record Query(Integer budget, String target, String method, Double fps, Double dedup, Boolean frames) {
    }

    void handle(Context ctx, byte[] body) {
        String type = ctx.contentType() == null ? "" : ctx.contentType().split(";")[0].trim().toLowerCase(Locale.ROOT);
        Query q;
        Media video;
        if (type.startsWith("video/") || type.startsWith("image/")) {
            ObjectNode params = Json.MAPPER.createObjectNode();
            ctx.queryParamMap().forEach((k, v) -> params.set(k, Json.MAPPER.valueToTree(scalar(v.getFirst()))));
            q = query(params);
            video = media.upload(body, type, MediaKind.VIDEO, "body");
        } else {
            JsonNode root = Json.object(body);
            q = query(root);
            String url = JsonFields.text(root, "video", "video");
            if (url == null) {
                throw ApiException.invalid("video", "video is required: a data: URL or a path under an --allow-dir "
                        + "(or send the video itself as the body with Content-Type video/...)");
            }
            video = media.resolve(url, MediaKind.VIDEO, "video");
        }
        try (video) {
            ctx.contentType("application/json").result(Json.write(plan(video, q)));
        }
    }

    /** Query parameters are strings; numbers and booleans among them are read as such. */
    private static Object scalar(String v) {
        if (v.equals("true") || v.equals("false")) {
            return Boolean.parseBoolean(v);
        }
        try {
            return v.matches("-?\\d+") ? (Object) Long.parseLong(v) : (Object) Double.parseDouble(v);
        } catch (NumberFormatException e) {
            return v;
        }
    }

    private static Query query(JsonNode root) {
        Query q = new Query(JsonFields.integer(root, "budget", "budget", 1, Integer.MAX_VALUE),
                JsonFields.text(root, "target", "target"), JsonFields.text(root, "method", "method"),
                JsonFields.number(root, "fps", "fps", Double.MIN_VALUE, 1000), JsonFields.number(root, "dedup", "dedup", 0, 1),
                JsonFields.bool(root, "frames", "frames"));
        if (q.budget() == null) {
            throw ApiException.invalid("budget", "budget is required: the target tokens the plan may spend");
        }
        if (q.target() != null && !CostModels.names().contains(q.target())) {
            throw ApiException.invalid("target", "target must be one of " + CostModels.names());
        }
        if (q.method() != null) {
            try {
                PlanMethod.parse(q.method());
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid("method", "method: " + e.getMessage());
            }
        }
        return q;
    }

    private ObjectNode plan(Media video, Query q) {
        VideoInfo info;
        try {
            info = VideoSource.probe(video.file());
        } catch (RuntimeException e) {
            throw ApiException.invalid("video", "video: cannot be decoded");
        }
        if ((long) info.width() * info.height() > options.maxPixels()) {
            throw ApiException.invalid("video", "video: " + info.width() + "x" + info.height() + " frames exceed --max-pixels "
                    + options.maxPixels());
        }
        PlanJob.Options o = new PlanJob.Options(q.budget(), q.target() == null ? "llava-onevision" : q.target(),
                q.method() == null ? PlanRequest.DEFAULT_METHOD : PlanMethod.parse(q.method()),
                q.fps() == null ? PlanRequest.DEFAULT_FPS : q.fps(), null, null, q.dedup());
        PlanJob.Selection s;
        try {
            s = PlanJob.select(video.file(), o, PlanJob.Listener.QUIET, PlanJob.Pixels.PLANNED);
        } catch (IOException | BadInputException e) {
            throw ApiException.invalid("video", "video: cannot be planned: " + e.getMessage().replace(video.file().toString(), "the video"));
        }
        if (s.frames().size() > options.maxFrames()) {
            throw ApiException.invalid("budget", "the plan chose " + s.frames().size() + " frames, more than --max-frames "
                    + options.maxFrames() + "; lower the budget");
        }
        ObjectNode out = Json.MAPPER.createObjectNode().put("object", "glimpse.plan");
        ObjectNode v = out.putObject("video");
        v.put("duration", info.durationSeconds()).put("width", info.width()).put("height", info.height());
        out.put("candidates", s.candidates());
        try {
            out.set("plan", Json.MAPPER.readTree(s.plan().toJson()));
        } catch (IOException e) {
            throw new IllegalStateException("plan JSON could not be read back", e);
        }
        if (!Boolean.FALSE.equals(q.frames())) {
            ArrayNode frames = out.putArray("frames");
            for (PlanJob.ChosenFrame f : s.frames()) {
                frames.addObject().put("timestamp", f.planned().timestamp()).put("width", f.image().width())
                        .put("height", f.image().height()).put("cost", f.planned().cost())
                        .put("png_base64", Base64.getEncoder().encodeToString(Png.encode(f.image())));
            }
        }
        ArrayNode warnings = out.putArray("warnings");
        s.warnings().forEach(w -> warnings.add(w.replace(video.file().toString(), "the video")));
        return out;
    }
}
