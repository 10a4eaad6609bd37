package io.glimpse.vision;

import io.glimpse.io.Checkpoint;
import io.glimpse.nn.StoredMatrix;
import io.glimpse.tensor.WeightMatrix;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * Reads the tensors of one component (a tower under its prefix) as floats, checking each against the shape
 * config.json implies, and remembers which it read so leftovers can be reported.
 */
public final class TensorLoader implements VisionTensors {
    final Checkpoint ckpt;
    final Path configFile;
    final String prefix;
    private final Set<String> used = new HashSet<>();

    public TensorLoader(Checkpoint ckpt, Path configFile, String prefix) {
        this.ckpt = ckpt;
        this.configFile = configFile;
        this.prefix = prefix;
    }

    public boolean used(String fullName) {
        return used.contains(fullName);
    }

    /** The tensor {@code prefix + shortName} as floats; missing, misshapen or non-float tensors are bad input. */
    @Override
    public float[] load(String shortName, long... shape) {
        String name = prefix + shortName;
        used.add(name);
        return ckpt.floats(name, configFile, shape);
    }

    @Override
    public WeightMatrix matrix(String shortName, int rows, int cols) {
        String name = prefix + shortName;
        used.add(name);
        return StoredMatrix.of(ckpt, configFile, name, rows, cols);
    }

    @Override
    public boolean has(String shortName) {
        return ckpt.has(prefix + shortName);
    }

    @Override
    public Object input() {
        return ckpt.anyFile();
    }
}
