package io.glimpse.job;

import io.glimpse.clip.QueryScorer;
import io.glimpse.image.RgbImage;
import io.glimpse.io.SafeTensors;
import io.glimpse.media.FrameSize;
import io.glimpse.media.Sampling;
import io.glimpse.media.VideoSource;
import io.glimpse.testkit.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Frame relevance against the PyTorch goldens of the tiny CLIP fixture (image and text embeddings). */
public class QueryScorerTest {
    static final Path FIXTURES = Fixtures.path("vision");
    static final Path TOKENIZER = Path.of("src/test/resources/fixtures/similarity/tokenizer.json").toAbsolutePath();

    @TempDir
    Path dir;

    public static Path clipWithTokenizer(Path dir) throws Exception {
        Path model = dir.resolve("clip");
        Files.createDirectories(model);
        for (String f : new String[]{"config.json", "model.safetensors", "preprocessor_config.json"}) {
            Files.copy(FIXTURES.resolve("clip").resolve(f), model.resolve(f));
        }
        Files.copy(TOKENIZER, model.resolve("tokenizer.json"));
        return model;
    }

    @Test
    void relevanceIsTheRescaledCosineOfTheGoldenEmbeddings() throws Exception {
        QueryScorer scorer = QueryScorer.load(clipWithTokenizer(dir), "photo of mountains");
        RgbImage landscape;
        try (VideoSource src = VideoSource.open(FIXTURES.resolve("landscape.png"))) {
            landscape = src.frames(Sampling.count(1), FrameSize.original()).next();
        }
        SafeTensors g = SafeTensors.read(FIXTURES.resolve("clip/golden.safetensors"));
        float[] image = g.tensors().get("clip.image_embeds").toFloats();
        float[] text = g.tensors().get("text0.text_embeds").toFloats();
        double dot = 0;
        double ni = 0;
        double nt = 0;
        for (int i = 0; i < image.length; i++) {
            dot += image[i] * text[i];
            ni += image[i] * image[i];
            nt += text[i] * text[i];
        }
        double expected = (dot / Math.sqrt(ni * nt) + 1) / 2;
        assertThat(scorer.score(landscape)).isCloseTo(expected, within(1e-4));
    }
}
