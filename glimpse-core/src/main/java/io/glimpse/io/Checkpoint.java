package io.glimpse.io;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The tensors of a Hugging Face checkpoint folder: {@code model.safetensors}, or the shards listed by
 * {@code model.safetensors.index.json} (its {@code weight_map}, as huggingface_hub writes sharded checkpoints), each tensor remembered with its file so
 * errors can name it.
 */
public final class Checkpoint {

    private final Map<String, TensorData> tensors;
    private final Map<String, Path> files;

    private Checkpoint(Map<String, TensorData> tensors, Map<String, Path> files) {
        this.tensors = Collections.unmodifiableMap(tensors);
        this.files = Collections.unmodifiableMap(files);
    }

    public static Checkpoint open(Path dir) throws IOException {
        Path single = dir.resolve("model.safetensors");
        Path index = dir.resolve("model.safetensors.index.json");
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        Map<String, Path> files = new LinkedHashMap<>();
        if (Files.isRegularFile(single)) {
            add(single, tensors, files);
        } else if (Files.isRegularFile(index)) {
            JsonNode map = JsonFiles.readObject(index).get("weight_map");
            if (map == null || !map.isObject()) {
                throw new BadInputException(index + ": no weight_map object");
            }
            Map<String, String> wanted = new TreeMap<>();
            map.fields().forEachRemaining(e -> wanted.put(e.getKey(), e.getValue().asText()));
            for (String shard : new java.util.TreeSet<>(wanted.values())) {
                Path p = dir.resolve(shard).normalize();
                if (!p.startsWith(dir.normalize()) || !Files.isRegularFile(p)) {
                    throw new BadInputException(index + ": shard '" + shard + "' is missing from " + dir);
                }
                add(p, tensors, files);
            }
            for (Map.Entry<String, String> e : wanted.entrySet()) {
                Path where = files.get(e.getKey());
                if (where == null || !where.getFileName().toString().equals(Path.of(e.getValue()).getFileName().toString())) {
                    throw new BadInputException(index + ": tensor '" + e.getKey() + "' is listed in " + e.getValue()
                            + " but " + (where == null ? "no shard holds it" : where + " holds it"));
                }
            }
        } else {
            throw new BadInputException(dir + ": no model.safetensors or model.safetensors.index.json");
        }
        return new Checkpoint(tensors, files);
    }

    private static void add(Path file, Map<String, TensorData> tensors, Map<String, Path> files) throws IOException {
        SafeTensors st = SafeTensors.read(file);
        for (Map.Entry<String, TensorData> e : st.tensors().entrySet()) {
            Path before = files.putIfAbsent(e.getKey(), file);
            if (before != null) {
                throw new BadInputException(file + ": tensor '" + e.getKey() + "' is also in " + before);
            }
            tensors.put(e.getKey(), e.getValue());
        }
    }

    public Map<String, TensorData> tensors() {
        return tensors;
    }

    public boolean has(String name) {
        return tensors.containsKey(name);
    }

    /** The file holding the named tensor. */
    public Path file(String name) {
        return files.get(name);
    }

    /** A description of where tensors come from, for messages about a tensor that is absent. */
    public Path anyFile() {
        return files.isEmpty() ? null : files.values().iterator().next();
    }

    /**
     * The named tensor as float32, checked against the shape the model's config implies; a missing, misshapen,
     * non-float or non-finite tensor is bad input naming the tensor, its file and the config. The copy replaces the
     * tensor's pages of the mapped file, which are given back ({@link MappedFile#release}).
     *
     * @param config the config file the shape comes from, named in messages
     */
    public float[] floats(String name, Path config, long... shape) {
        TensorData t = stored(name, config, shape);
        float[] values = t.toFloats();
        MappedFile.release(t.segment());
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new BadInputException(file(name) + ": tensor '" + name + "' holds " + values[i] + " at element " + i);
            }
        }
        return values;
    }

    /**
     * The named tensor as stored (a view into the mapped file, any float dtype), checked as {@link #floats} checks it
     * except for the finite scan, which would read every weight of a large model at load.
     */
    public TensorData stored(String name, Path config, long... shape) {
        TensorData t = tensors.get(name);
        if (t == null) {
            throw new BadInputException(anyFile() + ": missing tensor '" + name + "' (config " + config + ")");
        }
        if (!Arrays.equals(t.shape(), shape)) {
            throw new BadInputException(file(name) + ": tensor '" + name + "' has shape " + Arrays.toString(t.shape())
                    + " but " + config + " implies " + Arrays.toString(shape));
        }
        if (!t.dtype().isFloating()) {
            throw new BadInputException(file(name) + ": tensor '" + name + "' has dtype " + t.dtype() + ", expected a float type");
        }
        return t;
    }
}
