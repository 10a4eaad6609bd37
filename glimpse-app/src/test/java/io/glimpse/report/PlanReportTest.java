package io.glimpse.report;

import io.glimpse.image.Png;
import io.glimpse.image.RgbImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PlanReportTest {
    @TempDir
    Path dir;

    private static byte[] png(int w, int h, int shade) {
        RgbImage img = RgbImage.blank(w, h, 0);
        java.util.Arrays.fill(img.rgb(), (byte) shade);
        return Png.encode(img);
    }

    private static PlanReport.Input input(List<PlanReport.Frame> frames) {
        int total = frames.stream().mapToInt(PlanReport.Frame::cost).sum();
        return new PlanReport.Input("clip <1>.mp4", 20, "gpt-4o", "clips", 1000, total, List.of(5.0, 12.5), frames, List.of());
    }

    @Test
    void browserRendersEveryEmbeddedImageAndTheCostsAddUp() throws Exception {
        List<PlanReport.Frame> frames = List.of(
                new PlanReport.Frame(1.0, 0, 0, 64, 36, 255, png(64, 36, 40), null, 0),
                new PlanReport.Frame(7.5, 1, 1, 32, 18, 85, png(32, 18, 200), png(8, 8, 30), 12),
                new PlanReport.Frame(15.0, 2, -1, 64, 36, 255, png(64, 36, 120), null, 0));
        Path page = dir.resolve("report.html");
        Files.writeString(page, PlanReport.render(input(frames)));
        String dom = HeadlessChromium.dumpDom(page);
        assertThat(HeadlessChromium.bodyData(dom, "images-total")).isEqualTo("4");
        assertThat(HeadlessChromium.bodyData(dom, "images-loaded")).isEqualTo("4");
        assertThat(HeadlessChromium.bodyData(dom, "total-cost")).isEqualTo("595");
        assertThat(dom).contains("clip &lt;1&gt;.mp4").doesNotContain("clip <1>");
        assertThat(dom.split("class=\"cut\"", -1)).hasSize(3);
    }

    @Test
    void aBrokenImageIsNotCountedAsRendered() throws Exception {
        byte[] broken = java.util.Arrays.copyOf(png(16, 16, 90), 20);
        Path page = dir.resolve("broken.html");
        Files.writeString(page, PlanReport.render(input(List.of(new PlanReport.Frame(1, 0, -1, 16, 16, 85, broken, null, 0)))));
        String dom = HeadlessChromium.dumpDom(page);
        assertThat(HeadlessChromium.bodyData(dom, "images-loaded")).isEqualTo("0");
    }
}
