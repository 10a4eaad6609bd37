package io.glimpse.io;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A whole file mapped read-only as one {@link MemorySegment}, of any size (a {@code FileChannel.map} buffer stops at
 * 2 GB). Tensors are slices of it, so weights are read where they lie and the resident memory is the pages touched.
 *
 * <p>The mapping lives in an automatic arena: it is readable from every thread and unmapped once no slice of it is
 * reachable, so a loaded model needs no close call.
 */
public final class MappedFile {
    private MappedFile() {
    }

    public static MemorySegment map(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            return size == 0 ? MemorySegment.NULL.reinterpret(0) : ch.map(FileChannel.MapMode.READ_ONLY, 0, size, Arena.ofAuto());
        }
    }

    /**
     * Gives the pages under {@code slice} back when it is part of a mapped file ({@code madvise(MADV_DONTNEED)}),
     * for a tensor that was just copied into another form: its resident pages would otherwise count a second time
     * beside the copy. Reading the slice again later reads the file again; slices of other memory are left alone.
     */
    public static void release(MemorySegment slice) {
        if (slice.isMapped() && slice.byteSize() > 0) {
            slice.unload();
        }
    }
}
