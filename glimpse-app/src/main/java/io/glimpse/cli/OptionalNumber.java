package io.glimpse.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.Stack;

/**
 * For an option whose number is optional ({@code --dedup [S]}): the next argument is its value only when it reads
 * as a number, else the option takes its fallback value and the argument is left for what follows, so
 * {@code --dedup video.mp4} names the video instead of failing to read the path as a threshold.
 */
final class OptionalNumber implements CommandLine.IParameterConsumer {
    @Override
    public void consumeParameters(Stack<String> args, ArgSpec argSpec, CommandSpec commandSpec) {
        String value = ((OptionSpec) argSpec).fallbackValue();
        if (!args.isEmpty() && isNumber(args.peek())) {
            value = args.pop();
        }
        argSpec.setValue(Double.valueOf(value));
    }

    private static boolean isNumber(String s) {
        try {
            Double.parseDouble(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
