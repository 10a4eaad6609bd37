package io.glimpse.cli;

/**
 * A verb contributed to {@code glimpse} by a module on the class path, found through {@link java.util.ServiceLoader}:
 * glimpse-bench adds {@code bench} this way, so the app runs without it and does not depend on it.
 */
public interface CommandExtension {
    /** A new picocli command object (a {@code @Command}-annotated instance) to add as a subcommand. */
    Object command();
}
