package io.glimpse.vision;

import io.glimpse.io.BadInputException;
import io.glimpse.io.TensorData;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * Reads the tensors of one component (a tower under its prefix) as floats, checking each against the shape
 * config.json implies, and remembers which it read so leftovers can be reported.
 */
final class TensorLoader {
    final Checkpoint ckpt;
    final Path configFile;
    final String prefix;
    private final Set<String> used = new HashSet<>();

    TensorLoader(Checkpoint ckpt, Path configFile, String prefix) {
        this.ckpt = ckpt;
        this.configFile = configFile;
        this.prefix = prefix;
    }

    boolean used(String fullName) {
        return used.contains(fullName);
    }

    /** The tensor {@code prefix + shortName} as floats; missing, misshapen or non-float tensors are bad input. */
    float[] load(String shortName, long... shape) {
        String name = prefix + shortName;
        used.add(name);
        TensorData t = ckpt.tensors().get(name);
        if (t == null) {
            throw new BadInputException(ckpt.anyFile() + ": missing tensor '" + name + "' (config " + configFile + ")");
        }
        if (!Arrays.equals(t.shape(), shape)) {
            throw new BadInputException(ckpt.file(name) + ": tensor '" + name + "' has shape " + Arrays.toString(t.shape())
                    + " but " + configFile + " implies " + Arrays.toString(shape));
        }
        if (!t.dtype().isFloating()) {
            throw new BadInputException(ckpt.file(name) + ": tensor '" + name + "' has dtype " + t.dtype() + ", expected a float type");
        }
        return t.toFloats();
    }
}
