package io.glimpse.media;

import io.glimpse.image.RgbImage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.net.URISyntaxException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Still JPEGs decode to the pixels Pillow gives (fixtures/jpeg/make_fixtures.py), chroma subsampled or not: the
 * reference processors run on PIL images. FFmpeg's decode of the same files differed from Pillow's by up to 157
 * levels on the 4:2:0 picture (at its colour edges: FFmpeg's chroma upsampling is not libjpeg's) and by 2 on the
 * others (its IDCT).
 */
class StillJpegTest {
    private static Path fixture(String name) throws URISyntaxException {
        return Path.of(StillJpegTest.class.getResource("/fixtures/jpeg/" + name).toURI());
    }

    @ParameterizedTest
    @ValueSource(strings = {"s420", "s422", "s444"})
    void decodesAsPillowDoes(String name) throws Exception {
        BufferedImage pil = ImageIO.read(fixture(name + ".pil.png").toFile());
        RgbImage got;
        try (VideoSource src = VideoSource.open(fixture(name + ".jpg"))) {
            got = src.frames(Sampling.count(1), FrameSize.original()).next();
        }
        assertThat(got.width()).isEqualTo(pil.getWidth());
        assertThat(got.height()).isEqualTo(pil.getHeight());
        int max = 0;
        for (int y = 0; y < got.height(); y++) {
            for (int x = 0; x < got.width(); x++) {
                int rgb = pil.getRGB(x, y);
                int i = (y * got.width() + x) * 3;
                for (int c = 0; c < 3; c++) {
                    int want = rgb >> (16 - 8 * c) & 0xFF;
                    max = Math.max(max, Math.abs((got.rgb()[i + c] & 0xFF) - want));
                }
            }
        }
        assertThat(max).as(name).isZero();
    }
}
