package io.glimpse.vision;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.glimpse.image.RgbImage;
import io.glimpse.io.BadInputException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Mutation fuzzing of config.json and preprocessor_config.json: random values in random fields must either load
 * into a working tower / processor or fail with a BadInputException naming the file — never another exception.
 */
class VisionConfigFuzz {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] VALUES = {"0", "-3", "1", "7", "14", "64", "2147483647", "1e-6", "-1.5", "\"gelu\"",
            "\"x\"", "null", "true", "[]", "[1, 2]", "{}", "{\"height\": 5}", "{\"shortest_edge\": 3}"};

    private static void mutate(ObjectNode root, Random r, int edits) throws IOException {
        for (int e = 0; e < edits; e++) {
            List<ObjectNode> objects = new ArrayList<>();
            collect(root, objects);
            ObjectNode target = objects.get(r.nextInt(objects.size()));
            List<String> names = new ArrayList<>();
            target.fieldNames().forEachRemaining(names::add);
            if (names.isEmpty() || r.nextInt(5) == 0) {
                target.set("image_size", JSON.readTree(VALUES[r.nextInt(VALUES.length)]));
            } else if (r.nextInt(6) == 0) {
                target.remove(names.get(r.nextInt(names.size())));
            } else {
                target.set(names.get(r.nextInt(names.size())), JSON.readTree(VALUES[r.nextInt(VALUES.length)]));
            }
        }
    }

    private static void collect(JsonNode n, List<ObjectNode> out) {
        if (n instanceof ObjectNode o) {
            out.add(o);
            for (Iterator<JsonNode> it = o.elements(); it.hasNext(); ) {
                collect(it.next(), out);
            }
        }
    }

    @Property(tries = 200)
    void mutatedModelConfigsFailCleanlyOrRun(@ForAll long seed, @ForAll @IntRange(min = 1, max = 3) int edits) throws IOException {
        Path dir = Files.createTempDirectory("fuzz");
        try {
            Path src = VisionFixtures.dir("siglip");
            ObjectNode cfg = (ObjectNode) JSON.readTree(src.resolve("config.json").toFile());
            mutate(cfg, new Random(seed), edits);
            Files.writeString(dir.resolve("config.json"), cfg.toString());
            Files.copy(src.resolve("model.safetensors"), dir.resolve("model.safetensors"));
            VisionTower tower;
            try {
                tower = VisionTower.load(dir);
            } catch (BadInputException e) {
                assertThat(e.getMessage()).contains(dir.toString());
                return;
            }
            int s = tower.config().imageSize();
            VisionOutput out = tower.forward(new float[3 * s * s], EncodeOptions.defaults());
            for (float v : out.features()) {
                assertThat(v).isFinite();
            }
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }

    @Property(tries = 300)
    void mutatedProcessorConfigsFailCleanlyOrProcess(@ForAll long seed, @ForAll @IntRange(min = 1, max = 3) int edits)
            throws IOException {
        Random r = new Random(seed);
        String model = r.nextBoolean() ? "clip" : "siglip";
        ObjectNode cfg = (ObjectNode) JSON.readTree(VisionFixtures.dir(model).resolve("preprocessor_config.json").toFile());
        mutate(cfg, r, edits);
        Path file = Files.createTempFile("preprocessor_config", ".json");
        try {
            Files.writeString(file, cfg.toString());
            ImageProcessor proc;
            try {
                proc = ImageProcessor.read(file);
            } catch (BadInputException e) {
                assertThat(e.getMessage()).contains(file.toString());
                return;
            }
            RgbImage img = new RgbImage(9, 6, new byte[9 * 6 * 3], 0);
            try {
                float[] px = proc.process(img);
                assertThat(px).hasSize(3 * proc.outputWidth(9, 6) * proc.outputHeight(9, 6));
            } catch (IllegalArgumentException e) {
                assertThat(e.getMessage()).isNotBlank();
            }
        } finally {
            Files.delete(file);
        }
    }

    @Test
    void anAbsurdImageSizeIsRejectedBeforeAnythingIsAllocated() throws IOException {
        Path dir = Files.createTempDirectory("huge");
        try {
            Path src = VisionFixtures.dir("siglip");
            ObjectNode cfg = (ObjectNode) JSON.readTree(src.resolve("config.json").toFile());
            ((ObjectNode) cfg.get("vision_config")).put("image_size", Integer.MAX_VALUE);
            Files.writeString(dir.resolve("config.json"), cfg.toString());
            Files.copy(src.resolve("model.safetensors"), dir.resolve("model.safetensors"));
            assertThatThrownBy(() -> VisionTower.load(dir)).isInstanceOf(BadInputException.class)
                    .hasMessageContaining("image_size").hasMessageContaining(dir.toString());
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }
}
