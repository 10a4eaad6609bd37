package io.glimpse.cli;

import io.glimpse.io.SafeTensors;
import io.glimpse.testkit.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.glimpse.cli.EncodeCommandTest.FIXTURES;
import static io.glimpse.cli.InProcess.glimpse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The similarity command on the tiny CLIP fixture, whose goldens hold PyTorch's logits of the landscape image against
 * the token ids [98 5 17 42 99] and [98 64 3 99]; the test tokenizer.json spells those ids "photo of mountains" and
 * "red car" (WordLevel, with CLIP's start/end-of-text template).
 */
class SimilarityCommandTest {
    static final Path TOKENIZER = Path.of("src/test/resources/fixtures/similarity/tokenizer.json").toAbsolutePath();

    @TempDir
    Path dir;

    /** One parsed row of a table: rank, image, cosine, logit, probability. */
    record Row(int rank, String image, double cosine, double logit, double prob) {
        static Row parse(String line) {
            String[] f = line.trim().split("\\s+");
            return new Row(Integer.parseInt(f[0]), f[1], Double.parseDouble(f[2]), Double.parseDouble(f[3]), Double.parseDouble(f[4]));
        }
    }

    private Path clipModel() throws Exception {
        return io.glimpse.job.QueryScorerTest.clipWithTokenizer(dir);
    }

    /** The tiny SigLIP pair with a processor for its 24×24 images, without a tokenizer. */
    private Path siglipModel(String name) throws Exception {
        Path model = Files.createDirectories(dir.resolve(name));
        for (String f : new String[]{"config.json", "model.safetensors"}) {
            Files.copy(FIXTURES.resolve("siglip_pair").resolve(f), model.resolve(f));
        }
        Files.writeString(model.resolve("preprocessor_config.json"), """
                {"image_processor_type": "SiglipImageProcessor", "do_resize": true, "size": {"height": 24, "width": 24},
                 "resample": 3, "do_rescale": true, "rescale_factor": 0.00392156862745098, "do_normalize": true,
                 "image_mean": [0.5, 0.5, 0.5], "image_std": [0.5, 0.5, 0.5]}""");
        return model;
    }

    private static List<Row> table(String out, String text) {
        List<String> lines = out.lines().toList();
        int at = lines.indexOf(lines.stream().filter(l -> l.startsWith("text: \"" + text + "\"")).findFirst().orElseThrow());
        assertThat(lines.get(at + 1)).matches("rank\\s+image\\s+cosine\\s+logit\\s+(softmax|sigmoid)");
        return lines.subList(at + 2, at + 4).stream().map(Row::parse).toList();
    }

    @Test
    void clipLogitsOfTheLandscapeMatchTheGoldenForBothTexts() throws Exception {
        Path model = clipModel();
        InProcess.Run r = glimpse("similarity", "--model", model.toString(), "--text", "photo of mountains",
                "--text", "Red car", FIXTURES.resolve("landscape.png").toString(), FIXTURES.resolve("portrait.png").toString());
        assertThat(r.code()).as(r.err()).isZero();
        float[] golden = SafeTensors.read(FIXTURES.resolve("clip/golden.safetensors")).tensors().get("clip.logits_per_image").toFloats();
        assertThat(r.out()).contains("text: \"photo of mountains\" (5 tokens)", "text: \"Red car\" (4 tokens)");
        String[] texts = {"photo of mountains", "Red car"};
        for (int k = 0; k < 2; k++) {
            List<Row> rows = table(r.out(), texts[k]);
            Row landscape = rows.stream().filter(x -> x.image().equals("landscape.png")).findFirst().orElseThrow();
            assertThat(landscape.logit()).isCloseTo(golden[k], within(1e-4 * (Math.abs(golden[k]) + 1)));
            assertThat(rows).extracting(Row::rank).containsExactly(1, 2);
            assertThat(rows.get(0).logit()).isGreaterThanOrEqualTo(rows.get(1).logit());
            assertThat(rows.get(0).prob() + rows.get(1).prob()).isCloseTo(1.0, within(2e-6));
            // Softmax over the two images: p1/p2 = exp(l1 - l2); logit = exp(logit_scale)·cosine for CLIP.
            assertThat(Math.log(rows.get(0).prob() / rows.get(1).prob()))
                    .isCloseTo(rows.get(0).logit() - rows.get(1).logit(), within(1e-3));
            assertThat(rows.get(0).logit() * rows.get(1).cosine()).isCloseTo(rows.get(1).logit() * rows.get(0).cosine(), within(1e-4));
        }
    }

    @Test
    void siglipPrintsEachLogitsSigmoidAndRanksByLogit() throws Exception {
        Path model = siglipModel("siglip");
        Files.copy(TOKENIZER, model.resolve("tokenizer.json"));
        InProcess.Run r = glimpse("similarity", "--model", model.toString(), "--text", "photo of mountains",
                FIXTURES.resolve("portrait.png").toString(), FIXTURES.resolve("landscape.png").toString());
        assertThat(r.code()).as(r.err()).isZero();
        // SigLIP pads to max_position_embeddings (8).
        assertThat(r.out()).contains("text: \"photo of mountains\" (8 tokens)");
        List<Row> rows = table(r.out(), "photo of mountains");
        assertThat(rows).extracting(Row::image).containsExactlyInAnyOrder("portrait.png", "landscape.png");
        assertThat(rows.get(0).logit()).isGreaterThanOrEqualTo(rows.get(1).logit());
        for (Row row : rows) {
            assertThat(row.prob()).isCloseTo(1 / (1 + Math.exp(-row.logit())), within(2e-6));
        }
    }

    @Test
    void siglipAsShippedWithSpieceModelTokenizesAsSiglipTokenizer() throws Exception {
        Path model = siglipModel("siglip-spm");
        // google/siglip-* folders hold spiece.model and tokenizer_config.json, no tokenizer.json.
        for (String f : new String[]{"spiece.model", "tokenizer_config.json"}) {
            Files.copy(Fixtures.path("lm/spm").resolve(f), model.resolve(f));
        }
        String portrait = FIXTURES.resolve("portrait.png").toString();
        String landscape = FIXTURES.resolve("landscape.png").toString();
        InProcess.Run r = glimpse("similarity", "--model", model.toString(), "--text", "a photo of a cat",
                "--text", "A  Photo of a CAT!", portrait, landscape);
        assertThat(r.code()).as(r.err()).isZero();
        // Lower case, punctuation and runs of spaces are canonicalised away, so both texts are the same ids.
        assertThat(table(r.out(), "A  Photo of a CAT!")).isEqualTo(table(r.out(), "a photo of a cat"));
    }

    @Test
    void aCheckpointWithoutTokenizerIsBadInput() throws Exception {
        Path model = clipModel();
        Files.delete(model.resolve("tokenizer.json"));
        InProcess.Run r = glimpse("similarity", "--model", model.toString(), "--text", "red car",
                FIXTURES.resolve("landscape.png").toString());
        assertThat(r.code()).isEqualTo(GlimpseCli.BAD_INPUT);
        assertThat(r.err()).contains("tokenizer.json");
    }
}
