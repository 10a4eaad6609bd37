package io.glimpse.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.glimpse.io.SafeTensors;
import io.glimpse.job.PlanOutputs;
import io.glimpse.media.SyntheticVideo;
import io.glimpse.report.HeadlessChromium;
import io.glimpse.tokens.TokenFile;
import io.glimpse.tokens.TokenSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.glimpse.cli.InProcess.glimpse;
import static org.assertj.core.api.Assertions.assertThat;

class PlanCommandTest {
    @TempDir
    static Path shared;
    static Path video;
    static SyntheticVideo synthetic;

    @TempDir
    Path dir;

    @BeforeAll
    static void makeVideo() throws Exception {
        synthetic = new SyntheticVideo(new SyntheticVideo.Spec(320, 180, 10, List.of(6.0, 5.0, 7.0, 6.0),
                List.of(SyntheticVideo.TransitionKind.CUT, SyntheticVideo.TransitionKind.FADE, SyntheticVideo.TransitionKind.CUT),
                1.0, 3));
        video = synthetic.write(shared.resolve("scenes.mp4"));
    }

    @Test
    void planWritesAllFourOutputsAndTheyAgree() throws Exception {
        Path out = dir.resolve("plan");
        InProcess.Run r = glimpse("plan", video.toString(), "--budget", "2000", "--target", "gpt-4o", "--method", "clips", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode plan = new ObjectMapper().readTree(out.resolve(PlanOutputs.PLAN_JSON).toFile());
        int total = plan.get("totalCost").asInt();
        assertThat(total).isPositive().isLessThanOrEqualTo(2000);
        JsonNode frames = plan.get("frames");
        int sum = 0;
        for (JsonNode f : frames) {
            sum += f.get("cost").asInt();
            BufferedImage png = ImageIO.read(out.resolve(f.get("file").asText()).toFile());
            assertThat(png.getWidth()).isEqualTo(f.get("width").asInt());
            assertThat(png.getHeight()).isEqualTo(f.get("height").asInt());
        }
        assertThat(sum).isEqualTo(total);
        assertThat(plan.get("cuts")).hasSize(3);
        for (int i = 0; i < 3; i++) {
            double truth = synthetic.transitions().get(i).time();
            assertThat(plan.get("cuts").get(i).asDouble()).as("cut %d", i).isCloseTo(truth, org.assertj.core.data.Offset.offset(1.01));
        }
        TokenSet tokens = TokenFile.read(out.resolve(PlanOutputs.TOKENS));
        assertThat(tokens.frameCount()).isEqualTo(frames.size());
        for (int f = 0; f < tokens.frameCount(); f++) {
            JsonNode pf = frames.get(f);
            assertThat(tokens.frameInfo(f).timestamp()).isEqualTo(pf.get("timestamp").asDouble());
            assertThat(tokens.frameInfo(f).scene()).isEqualTo(pf.get("scene").asInt());
            assertThat(tokens.frameInfo(f).gridW()).isEqualTo(pf.get("width").asInt() / 14);
        }
        assertThat(SafeTensors.read(out.resolve(PlanOutputs.TOKENS)).metadata()).containsEntry("encoder", "patchstats");
        assertThat(r.out()).contains(frames.size() + " frames");

        String dom = HeadlessChromium.dumpDom(out.resolve(PlanOutputs.REPORT));
        assertThat(HeadlessChromium.bodyData(dom, "images-loaded")).isEqualTo(String.valueOf(frames.size()));
        assertThat(HeadlessChromium.bodyData(dom, "total-cost")).isEqualTo(String.valueOf(total));
    }

    /** Cuts at 2.3 s and 4.6 s fall between the 1 fps samples; plan.json gives them on their frames, not at 3 and 5 s. */
    @Test
    void planJsonGivesCutTimesOnTheirFrames() throws Exception {
        Path cuts = new SyntheticVideo(SyntheticVideo.Spec.hardCuts(192, 108, 10, 3, 2.3, 4)).write(dir.resolve("c.mp4"));
        Path out = dir.resolve("cuts-plan");
        InProcess.Run r = glimpse("plan", cuts.toString(), "--budget", "3000", "--target", "llava-1.5", "--method",
                "scenes", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode plan = new ObjectMapper().readTree(out.resolve(PlanOutputs.PLAN_JSON).toFile());
        assertThat(plan.get("cuts")).hasSize(2);
        assertThat(plan.get("cuts").get(0).asDouble()).isCloseTo(2.3, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(plan.get("cuts").get(1).asDouble()).isCloseTo(4.6, org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void planReducesItsTokensAndTheReportShowsWhereTheyWent() throws Exception {
        Path out = dir.resolve("reduced");
        InProcess.Run r = glimpse("plan", video.toString(), "--budget", "1200", "--target", "llava-onevision", "--reduce",
                "tmerge > tome:keep=0.5", "-o", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode plan = new ObjectMapper().readTree(out.resolve(PlanOutputs.PLAN_JSON).toFile());
        JsonNode red = plan.get("reduction");
        TokenSet tokens = TokenFile.read(out.resolve(PlanOutputs.TOKENS));
        assertThat(red.get("tokensAfter").asInt()).isEqualTo(tokens.size()).isLessThanOrEqualTo(red.get("tokensBefore").asInt() / 2);
        assertThat(red.get("stages")).hasSize(2);
        assertThat(tokens.keptPatches()).as("merging drops nothing").isEqualTo(tokens.patchCount());
        String dom = HeadlessChromium.dumpDom(out.resolve(PlanOutputs.REPORT));
        int frames = plan.get("frames").size();
        assertThat(dom.split("class=\"heatmap\"", -1)).hasSize(frames + 1);
        assertThat(HeadlessChromium.bodyData(dom, "images-loaded")).isEqualTo(String.valueOf(2 * frames));

        Path never = dir.resolve("never");
        InProcess.Run bad = glimpse("plan", video.toString(), "--budget", "1200", "--reduce", "tome:keep=2", "-o", never.toString());
        assertThat(bad.code()).isEqualTo(GlimpseCli.BAD_INPUT);
        assertThat(bad.err()).contains("keep");
        assertThat(never).doesNotExist();
    }

    @Test
    void aQueryWithADualEncoderPlansAndAMissingTokenizerIsBadInput() throws Exception {
        Path model = io.glimpse.job.QueryScorerTest.clipWithTokenizer(dir);
        Path out = dir.resolve("query");
        InProcess.Run r = glimpse("plan", video.toString(), "--budget", "1500", "--model", model.toString(), "--query",
                "photo of mountains", "-o", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(new ObjectMapper().readTree(out.resolve(PlanOutputs.PLAN_JSON).toFile()).get("frames")).isNotEmpty();
        Path quota = dir.resolve("quota");
        InProcess.Run q = glimpse("plan", video.toString(), "--budget", "1500", "--method", "quota", "--model", model.toString(),
                "--query", "photo of mountains", "-o", quota.toString());
        assertThat(q.code()).as(q.err()).isZero();
        JsonNode quotaPlan = new ObjectMapper().readTree(quota.resolve(PlanOutputs.PLAN_JSON).toFile());
        assertThat(quotaPlan.get("method").asText()).isEqualTo("quota");
        assertThat(quotaPlan.get("totalCost").asInt()).isPositive().isLessThanOrEqualTo(1500);

        Files.delete(model.resolve("tokenizer.json"));
        Path never = dir.resolve("never");
        InProcess.Run bad = glimpse("plan", video.toString(), "--budget", "1500", "--model", model.toString(), "--query", "x",
                "-o", never.toString());
        assertThat(bad.code()).isEqualTo(GlimpseCli.BAD_INPUT);
        assertThat(bad.err()).contains("tokenizer.json");
        assertThat(never).doesNotExist();
    }

    @Test
    void dedupLeavesOneFramePerStillSceneAndKeepsMotion() throws Exception {
        // Four held pictures, one from each scene: a still camera with nothing moving.
        Path still = synthetic.writeAt(dir.resolve("still.mp4"), "mp4", 0, 6.0, 11.6, 18.0);
        Path out = dir.resolve("dedup");
        InProcess.Run r = glimpse("plan", still.toString(), "--budget", "100000", "--method", "uniform", "--dedup", "-o",
                out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode frames = new ObjectMapper().readTree(out.resolve(PlanOutputs.PLAN_JSON).toFile()).get("frames");
        assertThat(frames.size()).isEqualTo(4);
        java.util.Set<Integer> scenes = new java.util.HashSet<>();
        for (JsonNode f : frames) {
            scenes.add(synthetic.sceneOf((int) Math.round(f.get("timestamp").asDouble() * 10)));
        }
        assertThat(scenes).containsExactlyInAnyOrder(0, 1, 2, 3);
        // The moving video's bouncing box changes patches every second: dedup keeps those frames.
        Path moving = dir.resolve("dedup-moving");
        assertThat(glimpse("plan", video.toString(), "--budget", "100000", "--method", "uniform", "--dedup", "-o",
                moving.toString()).code()).isZero();
        JsonNode kept = new ObjectMapper().readTree(moving.resolve(PlanOutputs.PLAN_JSON).toFile()).get("frames");
        assertThat(kept.size()).isGreaterThan(12);
        InProcess.Run bad = glimpse("plan", video.toString(), "--budget", "1000", "--dedup", "1.5", "-o",
                dir.resolve("never").toString());
        assertThat(bad.code()).isEqualTo(GlimpseCli.BAD_INPUT);
        assertThat(bad.err()).contains("dedup threshold");
        assertThat(dir.resolve("never")).doesNotExist();
    }

    @Test
    void everyMethodAndTargetStaysWithinBudget() {
        for (String method : List.of("uniform", "scenes", "clips", "quota")) {
            for (String target : List.of("llava-onevision", "qwen2-vl", "claude")) {
                Path out = dir.resolve(method + "-" + target);
                InProcess.Run r = glimpse("plan", video.toString(), "--budget", "1500", "--target", target, "--method", method, "-o", out.toString());
                assertThat(r.code()).as(method + "/" + target + ": " + r.err()).isZero();
                assertThat(out.resolve(PlanOutputs.PLAN_JSON)).exists();
            }
        }
    }

    @Test
    void aFileWithNoVideoStreamIsBadInputAndLeavesNoOutput() throws Exception {
        Path audio = SyntheticVideo.writeAudioOnly(dir.resolve("tone.m4a"), 2);
        Path out = dir.resolve("none");
        InProcess.Run r = glimpse("plan", audio.toString(), "--budget", "1000", "--out", out.toString());
        assertThat(r.code()).isEqualTo(GlimpseCli.BAD_INPUT);
        assertThat(r.err().strip()).contains(audio.toString()).contains("no video stream").doesNotContain("\n");
        assertThat(out).doesNotExist();
        try (var s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("partial"));
        }
    }

    @Test
    void garbageAndMissingFilesAreBadInput() throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.mp4"), "this is not a video");
        assertThat(glimpse("plan", junk.toString(), "--budget", "1000", "-o", dir.resolve("a").toString()).code()).isEqualTo(2);
        InProcess.Run missing = glimpse("plan", dir.resolve("missing.mp4").toString(), "--budget", "1000", "-o", dir.resolve("b").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("missing.mp4");
        assertThat(dir.resolve("a")).doesNotExist();
    }

    @Test
    void aTruncatedVideoStillGivesAPlanAndOneWarning() throws Exception {
        Path cut = SyntheticVideo.truncatedCopy(video, dir.resolve("cut.mp4"), 0.6);
        Path out = dir.resolve("cut-plan");
        InProcess.Run r = glimpse("plan", cut.toString(), "--budget", "1500", "-o", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("warning").contains("cut.mp4");
        JsonNode plan = new ObjectMapper().readTree(out.resolve(PlanOutputs.PLAN_JSON).toFile());
        assertThat(plan.get("warnings")).isNotEmpty();
        assertThat(plan.get("frames")).isNotEmpty();
    }

    @Test
    void usageErrorsExitWithOneAndHelpWithZero() {
        assertThat(glimpse("plan", video.toString()).code()).as("missing --budget").isEqualTo(GlimpseCli.USAGE);
        assertThat(glimpse("plan", video.toString(), "--budget", "x").code()).isEqualTo(GlimpseCli.USAGE);
        assertThat(glimpse("plan", video.toString(), "--budget", "100", "--query", "a dog").err()).contains("--model");
        InProcess.Run unknownTarget = glimpse("plan", video.toString(), "--budget", "1000", "--target", "gpt-9", "-o", dir.resolve("t").toString());
        assertThat(unknownTarget.code()).isEqualTo(GlimpseCli.BAD_INPUT);
        assertThat(unknownTarget.err()).contains("gpt-4o");
        InProcess.Run help = glimpse("plan", "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("--budget").contains("--method");
        assertThat(glimpse("--help").out()).contains("plan").contains("demo");
    }

    @Test
    void aBudgetBelowTheCheapestFrameIsBadInput() {
        InProcess.Run r = glimpse("plan", video.toString(), "--budget", "10", "--target", "gpt-4o", "-o", dir.resolve("x").toString());
        assertThat(r.code()).isEqualTo(GlimpseCli.BAD_INPUT);
        assertThat(r.err()).contains("budget");
        assertThat(dir.resolve("x")).doesNotExist();
    }
}
