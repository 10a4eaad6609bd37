package io.glimpse.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;

/**
 * Writes a file under a temporary name beside it ({@link Scratch}) and renames it into place, so no half-written
 * file is left, even when the process is interrupted. A problem of the place (full disk, read-only filesystem, a
 * folder in the way) is an {@link OutputFailure} naming the path given.
 */
public final class AtomicFiles {
    /** Filesystems of the kernel's own, where files cannot be created. */
    private static final Set<String> PSEUDO = Set.of("proc", "sysfs", "cgroup", "cgroup2", "devpts");

    private AtomicFiles() {
    }

    /** Body that writes the file's bytes. */
    @FunctionalInterface
    public interface Body {
        void write(OutputStream out) throws IOException;
    }

    /**
     * Checks, before any work, that a file can be created at {@code target}: it is not a folder, its nearest
     * existing ancestor is a writable folder, and not on a kernel pseudo-filesystem such as /proc.
     */
    public static void checkTarget(Path target) {
        Path abs = target.toAbsolutePath().normalize();
        if (Files.isDirectory(abs)) {
            throw OutputFailure.of(target, "is a directory");
        }
        checkParent(target, abs.getParent());
    }

    /** The part of {@link #checkTarget} about the folder an output goes into (which may not exist yet). */
    public static void checkParent(Path given, Path parent) {
        Path p = parent;
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        if (p == null) {
            return;
        }
        if (!Files.isDirectory(p)) {
            throw OutputFailure.of(given, p + " is not a directory");
        }
        try {
            FileStore store = Files.getFileStore(p);
            if (PSEUDO.contains(store.type())) {
                throw OutputFailure.of(given, p + " is on the kernel's " + store.type() + " filesystem, which holds no files");
            }
            if (store.isReadOnly()) {
                throw OutputFailure.of(given, p + " is on a read-only filesystem");
            }
        } catch (IOException e) {
            throw OutputFailure.of(given, e);
        }
        if (!Files.isWritable(p)) {
            throw OutputFailure.of(given, p + " is not writable");
        }
    }

    public static void write(Path target, Body body) throws IOException {
        checkTarget(target);
        Path abs = target.toAbsolutePath();
        Path tmp = null;
        try {
            tmp = Scratch.file(abs);
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                body.write(out);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw OutputFailure.of(target, e);
        } finally {
            if (tmp != null) {
                Files.deleteIfExists(tmp);
                Scratch.release(tmp);
            }
        }
    }

    public static void writeString(Path target, String text) throws IOException {
        write(target, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    public static void writeBytes(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }
}
