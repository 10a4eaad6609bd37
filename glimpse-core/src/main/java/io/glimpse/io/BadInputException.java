package io.glimpse.io;

/**
 * Input that cannot be used: a malformed file, a wrong shape, an absurd size, a bad spec string or option value.
 * The message is one line that names the input and the problem; front ends print it and exit with code 2. It is an
 * IllegalArgumentException (the argument came from the user), so a front end must test for it before treating any
 * other IllegalArgumentException as a bug. Internal invariants throw IllegalArgumentException or
 * IllegalStateException, never this.
 */
public class BadInputException extends IllegalArgumentException {
    public BadInputException(String message) {
        super(message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
