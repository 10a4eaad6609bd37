package io.glimpse.cli;

import io.glimpse.io.AtomicFiles;
import io.glimpse.io.BadInputException;
import io.glimpse.io.OutputFailure;
import io.glimpse.io.Scratch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * An output directory filled under a temporary name and moved into place only when complete, so a failed or
 * interrupted run leaves nothing behind ({@link Scratch} removes the staging folder at exit) and a successful one
 * replaces the previous output whole. Problems of the place are reported for the directory the user named.
 *
 * <p>Only a directory this class wrote may be replaced: it carries a {@link #MARKER} file and holds nothing but
 * names the command writes. An existing directory that is not ours (the folder holding the input video, the
 * working directory, a user's folder) is refused before any work starts, because replacing it would delete files
 * Glimpse did not create.
 */
final class OutputDir implements AutoCloseable {
    /** Written into every output directory; its presence is what makes a directory replaceable. */
    static final String MARKER = ".glimpse-output";

    private final Path target;
    private final Path staging;
    private final Predicate<String> ours;
    private boolean committed;

    private OutputDir(Path target, Path staging, Predicate<String> ours) {
        this.target = target;
        this.staging = staging;
        this.ours = ours;
    }

    /**
     * Checks that {@code target} is absent, empty or an earlier output of ours, and opens a staging folder beside it.
     *
     * @param ours the file names the command writes into the directory; anything else makes the directory foreign
     */
    static OutputDir stage(Path target, Predicate<String> ours) throws IOException {
        Path abs = target.toAbsolutePath().normalize();
        Predicate<String> owned = name -> name.equals(MARKER) || ours.test(name);
        checkReplaceable(target, abs, owned);
        AtomicFiles.checkParent(target, abs.getParent());
        try {
            Path staging = Scratch.directory(abs);
            Files.writeString(staging.resolve(MARKER), "written by glimpse; this folder is replaced whole on the next run\n");
            return new OutputDir(abs, staging, owned);
        } catch (IOException e) {
            throw OutputFailure.of(target, e);
        }
    }

    private static void checkReplaceable(Path given, Path abs, Predicate<String> owned) throws IOException {
        if (abs.getParent() == null) {
            throw new BadInputException(given + ": refusing to write output into the filesystem root");
        }
        if (!Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isSymbolicLink(abs) || !Files.isDirectory(abs)) {
            throw new BadInputException(given + ": exists and is not a directory; choose another --out");
        }
        List<String> names;
        try (Stream<Path> s = Files.list(abs)) {
            names = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        if (names.isEmpty()) {
            return;
        }
        if (!names.contains(MARKER)) {
            throw new BadInputException(given + ": is a folder Glimpse did not create and it is not empty; "
                    + "choose a new or empty --out folder");
        }
        for (String n : names) {
            if (!owned.test(n) || Files.isDirectory(abs.resolve(n), LinkOption.NOFOLLOW_LINKS)) {
                throw new BadInputException(given + ": holds " + n + ", which Glimpse did not write; "
                        + "move it away or choose another --out folder");
            }
        }
    }

    /** Body that writes the output's files into the staging folder it is given. */
    @FunctionalInterface
    interface Filler {
        void write(Path staging) throws IOException;
    }

    /** Runs {@code filler}; a failure to write is reported for the target, not for a file of the staging folder. */
    void fill(Filler filler) {
        try {
            filler.write(staging);
        } catch (OutputFailure e) {
            throw e.naming(target);
        } catch (IOException e) {
            throw OutputFailure.of(target, e);
        }
    }

    Path target() {
        return target;
    }

    /**
     * Moves the finished output into place; an earlier output of ours is moved aside first and removed after. It is
     * moved aside under a scratch name, so an interrupt before its removal leaves nothing behind either (the exit hook,
     * or after a SIGKILL the next run's sweep, removes it).
     */
    void commit() throws IOException {
        checkReplaceable(target, target, ours);
        Path old = null;
        try {
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                old = Scratch.directory(target);
                Files.delete(old);
                Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw OutputFailure.of(target, e);
        }
        committed = true;
        Scratch.release(staging);
        if (old != null) {
            deleteOwned(old);
            Scratch.release(old);
        }
    }

    @Override
    public void close() throws IOException {
        if (!committed) {
            deleteOwned(staging);
            Scratch.release(staging);
        }
    }

    /** Deletes a folder of ours: its files (only names we write) and then the folder itself. */
    private void deleteOwned(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.list(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (ours.test(p.getFileName().toString()) && !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.delete(p);
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        Files.delete(root);
    }
}
