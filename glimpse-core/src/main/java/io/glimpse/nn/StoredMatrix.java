package io.glimpse.nn;

import io.glimpse.io.BadInputException;
import io.glimpse.io.Checkpoint;
import io.glimpse.tensor.WeightFormat;
import io.glimpse.tensor.WeightMatrix;

import java.nio.file.Path;

/** A checkpoint's weight matrix as a view of its mapped bytes, in the precision it is stored in. */
public final class StoredMatrix {
    private StoredMatrix() {
    }

    /**
     * Tensor {@code name} of {@code ckpt} as a [rows × cols] matrix; a missing or misshapen tensor, or one stored in a
     * dtype other than F32, F16 or BF16, is bad input naming the file and the tensor.
     */
    public static WeightMatrix of(Checkpoint ckpt, Path config, String name, int rows, int cols) {
        var t = ckpt.stored(name, config, rows, cols);
        WeightFormat stored = switch (t.dtype()) {
            case F32 -> WeightFormat.F32;
            case F16 -> WeightFormat.F16;
            case BF16 -> WeightFormat.BF16;
            default -> throw new BadInputException(ckpt.file(name) + ": tensor '" + name + "' has dtype " + t.dtype()
                    + " (F32, F16 or BF16 weights)");
        };
        return WeightMatrix.of(stored, rows, cols, t.segment());
    }
}
