package io.glimpse.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Temporary files and folders an output is written into before it is moved into place: {@code .NAME.PID-R.part}
 * and {@code .NAME.partial-PID-R} beside the output NAME. The names carry the process id so that:
 * <ul>
 * <li>a shutdown hook (SIGINT, SIGTERM, System.exit) removes the ones this process still holds;</li>
 * <li>the next run writing NAME removes those left by a process that no longer runs (killed with SIGKILL, a power
 * cut), older than itself, and nothing else.</li>
 * </ul>
 * They are created with the default permissions, so the umask applies as to any other file (createTempFile would
 * make them private, and the finished output with them).
 */
public final class Scratch {
    /** The longest file name the usual filesystems (ext4, xfs, btrfs, tmpfs) accept, in bytes. */
    private static final int NAME_MAX = 255;
    private static final Pattern OURS = Pattern.compile("\\.(.+)\\.(?:partial-(\\d+)-[0-9a-z]+|(\\d+)-[0-9a-z]+\\.part)");
    private static final long PID = ProcessHandle.current().pid();
    private static final Instant STARTED = ProcessHandle.current().info().startInstant().orElse(Instant.now());
    private static final Set<Path> HELD = new LinkedHashSet<>();
    private static boolean exiting;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Scratch::removeHeld, "glimpse-scratch-cleanup"));
    }

    private Scratch() {
    }

    /** A new empty file beside {@code target}, removed at exit unless {@link #release}d first. */
    public static Path file(Path target) throws IOException {
        return create(target, false);
    }

    /** A new empty folder beside {@code target}, removed with its contents at exit unless {@link #release}d first. */
    public static Path directory(Path target) throws IOException {
        return create(target, true);
    }

    /** Stops watching {@code scratch}: it was moved into place or deleted. */
    public static void release(Path scratch) {
        synchronized (HELD) {
            HELD.remove(scratch);
        }
    }

    private static Path create(Path target, boolean directory) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        String name = fitting(abs.getFileName().toString(), directory ? ".partial-" : ".part");
        synchronized (HELD) {
            if (exiting) {
                throw new IOException("the process is exiting");
            }
            Files.createDirectories(dir);
            sweep(dir, name);
            String tag = PID + "-" + Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36);
            Path p = dir.resolve(directory ? "." + name + ".partial-" + tag : "." + name + "." + tag + ".part");
            if (directory) {
                Files.createDirectory(p);
            } else {
                Files.createFile(p);
            }
            HELD.add(p);
            return p;
        }
    }

    /** NAME cut (at a character) so that the scratch name stays within NAME_MAX bytes. */
    private static String fitting(String name, String kind) {
        int room = NAME_MAX - (2 + kind.length() + 40);
        String s = name;
        while (s.getBytes(StandardCharsets.UTF_8).length > room) {
            s = s.substring(0, s.offsetByCodePoints(s.codePointCount(0, s.length()) - 1, 0));
        }
        return s;
    }

    /** Removes scratch files and folders for NAME in {@code dir} whose process is gone and that predate this one. */
    private static void sweep(Path dir, String name) throws IOException {
        List<Path> stale;
        try (Stream<Path> s = Files.list(dir)) {
            stale = s.filter(p -> isStale(p, name)).toList();
        }
        for (Path p : stale) {
            deleteTree(p);
        }
    }

    private static boolean isStale(Path p, String name) {
        Matcher m = OURS.matcher(p.getFileName().toString());
        if (!m.matches() || !m.group(1).equals(name)) {
            return false;
        }
        long pid = Long.parseLong(m.group(2) != null ? m.group(2) : m.group(3));
        try {
            FileTime modified = Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS);
            return pid != PID && ProcessHandle.of(pid).isEmpty() && modified.toInstant().isBefore(STARTED);
        } catch (IOException e) {
            return false;
        }
    }

    private static void removeHeld() {
        List<Path> held;
        synchronized (HELD) {
            exiting = true;
            held = List.copyOf(HELD);
        }
        for (Path p : held) {
            // The interrupted thread may still be adding a file to a folder being emptied; a second pass gets it.
            for (int attempt = 1; ; attempt++) {
                try {
                    deleteTree(p);
                    break;
                } catch (IOException e) {
                    if (attempt == 3) {
                        System.err.println("glimpse: could not remove " + p + ": " + e.getMessage());
                        break;
                    }
                }
            }
        }
    }

    /** Deletes a scratch file, or a scratch folder with everything in it (all of it written by Glimpse). */
    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
