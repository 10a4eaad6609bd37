package io.glimpse.lm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.glimpse.io.BadInputException;
import io.glimpse.io.SafeTensors;
import io.glimpse.io.TensorData;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The tensors of a checkpoint folder (model.safetensors, or the shards of model.safetensors.index.json,
 * research/model-formats.md §1.2), each remembered with its file so a wrong tensor is reported with its file.
 */
final class CheckpointTensors {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, TensorData> tensors = new LinkedHashMap<>();
    private final Map<String, Path> files = new LinkedHashMap<>();
    private final Path source;

    private CheckpointTensors(Path source) {
        this.source = source;
    }

    static CheckpointTensors open(Path dir) throws IOException {
        Path single = dir.resolve("model.safetensors");
        Path index = dir.resolve("model.safetensors.index.json");
        if (Files.isRegularFile(single)) {
            CheckpointTensors c = new CheckpointTensors(single);
            c.add(single);
            return c;
        }
        if (!Files.isRegularFile(index)) {
            throw new BadInputException(dir + ": no model.safetensors or model.safetensors.index.json");
        }
        JsonNode map;
        try {
            map = JSON.readTree(Files.readString(index)).path("weight_map");
        } catch (JsonProcessingException e) {
            throw new BadInputException(index + ": not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (!map.isObject()) {
            throw new BadInputException(index + ": no weight_map object");
        }
        TreeSet<String> shards = new TreeSet<>();
        map.fields().forEachRemaining(e -> shards.add(e.getValue().asText()));
        CheckpointTensors c = new CheckpointTensors(index);
        for (String shard : shards) {
            Path p = dir.resolve(shard).normalize();
            if (!p.startsWith(dir.normalize()) || !Files.isRegularFile(p)) {
                throw new BadInputException(index + ": shard '" + shard + "' is missing from " + dir);
            }
            c.add(p);
        }
        return c;
    }

    private void add(Path file) throws IOException {
        for (Map.Entry<String, TensorData> e : SafeTensors.read(file).tensors().entrySet()) {
            Path before = files.putIfAbsent(e.getKey(), file);
            if (before != null) {
                throw new BadInputException(file + ": tensor '" + e.getKey() + "' is also in " + before);
            }
            tensors.put(e.getKey(), e.getValue());
        }
    }

    boolean has(String name) {
        return tensors.containsKey(name);
    }

    /** The tensor as float32, after checking it exists and has exactly {@code shape}. */
    float[] floats(String name, long... shape) {
        TensorData t = tensors.get(name);
        if (t == null) {
            throw new BadInputException(source + ": missing tensor '" + name + "'");
        }
        if (!Arrays.equals(t.shape(), shape)) {
            throw new BadInputException(files.get(name) + ": tensor '" + name + "' has shape " + Arrays.toString(t.shape())
                    + " but config.json implies " + Arrays.toString(shape));
        }
        if (!t.dtype().isFloating()) {
            throw new BadInputException(files.get(name) + ": tensor '" + name + "' is " + t.dtype() + ", expected a float type");
        }
        float[] values = t.toFloats();
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new BadInputException(files.get(name) + ": tensor '" + name + "' holds " + values[i] + " at element " + i);
            }
        }
        return values;
    }

    Path source() {
        return source;
    }
}
