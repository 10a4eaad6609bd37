package io.glimpse.io;

/**
 * Input that cannot be used: a malformed file, a wrong shape, an absurd size. The message is one line that
 * names the input and the problem; front ends print it and exit with code 2.
 */
public class BadInputException extends RuntimeException {
    public BadInputException(String message) {
        super(message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
