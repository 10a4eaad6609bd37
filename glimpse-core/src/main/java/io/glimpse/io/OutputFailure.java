package io.glimpse.io;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * An output that could not be written for a reason of the place, not of Glimpse: a full disk, a read-only
 * filesystem, a folder where a file should go. The message names the path the user gave, never a temporary name.
 */
public final class OutputFailure extends BadInputException {
    private final String problem;

    private OutputFailure(Path given, String problem, Throwable cause) {
        super("writing " + given + ": " + problem, cause);
        this.problem = problem;
    }

    public static OutputFailure of(Path given, String problem) {
        return new OutputFailure(given, problem, null);
    }

    /** The problem {@code e} reports (the system's reason, e.g. "no space left on device"), for {@code given}. */
    public static OutputFailure of(Path given, java.io.IOException e) {
        String reason = e instanceof FileSystemException f ? f.getReason() : e.getMessage();
        if (reason == null) {
            reason = switch (e) {
                case AccessDeniedException x -> "permission denied";
                case NoSuchFileException x -> "no such file or directory";
                case FileAlreadyExistsException x -> x.getFile() + " exists and is not a directory";
                case NotDirectoryException x -> x.getFile() + " is not a directory";
                case DirectoryNotEmptyException x -> "is a directory";
                default -> e.getClass().getSimpleName();
            };
        }
        String line = reason.lines().findFirst().orElse(reason);
        return new OutputFailure(given, line.isEmpty() ? line : line.substring(0, 1).toLowerCase(Locale.ROOT) + line.substring(1), e);
    }

    /** The same problem reported for the output {@code given} that the failing file belongs to. */
    public OutputFailure naming(Path given) {
        return new OutputFailure(given, problem, this);
    }
}
