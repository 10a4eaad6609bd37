package io.glimpse.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class ResizeTest {

    /** A single-channel-looking image: every pixel is (v, v, v) with v taken from values, row-major. */
    private static RgbImage grey(int w, int h, int... values) {
        byte[] rgb = new byte[w * h * 3];
        for (int i = 0; i < values.length; i++) {
            rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = (byte) values[i];
        }
        return new RgbImage(w, h, rgb, 1.5);
    }

    private static int[] red(RgbImage img) {
        int[] out = new int[img.width() * img.height()];
        for (int i = 0; i < out.length; i++) {
            out[i] = img.rgb()[3 * i] & 0xff;
        }
        return out;
    }

    @Test
    void areaHalvingAveragesEachTwoByTwoBlock() {
        RgbImage src = grey(4, 4,
                10, 20, 30, 50,
                30, 40, 70, 90,
                0, 0, 255, 255,
                100, 200, 251, 253);
        RgbImage out = Resize.resize(src, 2, 2, Resize.Filter.AREA);
        assertThat(red(out)).containsExactly(25, 60, 75, 254);
        assertThat(out.timestamp()).isEqualTo(1.5);
    }

    @Test
    void areaWeighsPartlyCoveredPixelsByCoverage() {
        // 3 -> 2: footprints [0,1.5) and [1.5,3): (0 + 0.5*90)/1.5 = 30 and (0.5*90 + 180)/1.5 = 150.
        RgbImage out = Resize.resize(grey(3, 1, 0, 90, 180), 2, 1, Resize.Filter.AREA);
        assertThat(red(out)).containsExactly(30, 150);
    }

    @Test
    void sameSizeIsAnIdenticalCopy() {
        RgbImage src = grey(3, 2, 1, 2, 3, 250, 0, 7);
        for (Resize.Filter f : Resize.Filter.values()) {
            RgbImage out = Resize.resize(src, 3, 2, f);
            assertThat(out.rgb()).isEqualTo(src.rgb()).isNotSameAs(src.rgb());
        }
    }

    @Test
    void constantImageStaysConstantThroughBicubicOvershootAndRounding() {
        int[] values = new int[11 * 7];
        java.util.Arrays.fill(values, 255);
        RgbImage out = Resize.resize(grey(11, 7, values), 30, 4, Resize.Filter.BICUBIC);
        assertThat(red(out)).containsOnly(255);
    }

    @Test
    void fitWithinKeepsAspectAndNeverUpscales() {
        RgbImage wide = RgbImage.blank(1280, 720, 0);
        RgbImage fitted = Resize.fitWithin(wide, 384, Resize.Filter.AREA);
        assertThat(fitted.width()).isEqualTo(384);
        assertThat(fitted.height()).isEqualTo(216);
        RgbImage tall = Resize.fitWithin(RgbImage.blank(100, 301, 0), 100, Resize.Filter.BICUBIC);
        assertThat(tall.width()).isEqualTo(33);
        assertThat(tall.height()).isEqualTo(100);
        RgbImage small = RgbImage.blank(40, 30, 0);
        assertThat(Resize.fitWithin(small, 384, Resize.Filter.AREA)).isSameAs(small);
    }

    @Test
    void rejectsNonPositiveSizes() {
        RgbImage src = RgbImage.blank(4, 4, 0);
        assertThatThrownBy(() -> Resize.resize(src, 0, 4, Resize.Filter.AREA))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0x4");
        assertThatThrownBy(() -> Resize.fitWithin(src, -1, Resize.Filter.AREA))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** Golden outputs of Pillow's Image.resize, written by fixtures/make_resize_fixtures.py. */
    @Test
    void matchesPillowBitForBit() throws IOException {
        JsonNode root;
        try (InputStream in = ResizeTest.class.getResourceAsStream("/fixtures/resize_fixtures.json")) {
            root = new ObjectMapper().readTree(in);
        }
        assertThat(root.get("cases").size()).isGreaterThanOrEqualTo(8);
        Base64.Decoder b64 = Base64.getDecoder();
        for (JsonNode c : root.get("cases")) {
            RgbImage src = new RgbImage(c.get("width").asInt(), c.get("height").asInt(),
                    b64.decode(c.get("input").asText()), 0);
            RgbImage out = Resize.resize(src, c.get("outWidth").asInt(), c.get("outHeight").asInt(),
                    Resize.Filter.valueOf(c.get("filter").asText()));
            assertThat(out.rgb()).as(c.get("name").asText()).isEqualTo(b64.decode(c.get("expected").asText()));
        }
    }
}
