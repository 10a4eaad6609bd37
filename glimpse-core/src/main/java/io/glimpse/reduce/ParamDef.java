package io.glimpse.reduce;

import io.glimpse.io.BadInputException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One parameter a reduction method accepts in the spec language: its name, kind, range or choices, default and
 * help text. Values are parsed and range-checked here so that every method sees only valid values.
 *
 * @param name         lower-case key used in specs, e.g. {@code keep}
 * @param kind         integer, list of integers, real number or one of a fixed set of words
 * @param min          smallest allowed number (integer and real kinds; each entry of an integer list)
 * @param minExclusive true when {@code min} itself is not allowed (e.g. keep &gt; 0)
 * @param max          largest allowed number
 * @param maxExclusive true when {@code max} itself is not allowed (e.g. a pruning rate &lt; 1)
 * @param defaultValue value used when the spec omits the parameter: a Double, Integer, List of Integers or String,
 *                     or null for none
 * @param choices      allowed words for the choice kind, empty otherwise
 * @param help         one-line description for --help and error messages
 */
public record ParamDef(String name, Kind kind, double min, boolean minExclusive, double max, boolean maxExclusive,
                       Object defaultValue, List<String> choices, String help) {

    /** What sort of value a parameter takes. */
    public enum Kind {
        INTEGER,
        /**
         * One or more integers joined by {@value ParamDef#LIST_SEPARATOR}, e.g. {@code 8x5x5x5}: a letter, because every
         * punctuation mark a shell leaves alone already means something in specs ({@code > : , = ;}) or to JMH's
         * {@code -p} (commas), and {@code x} reads as in "8×5×5×5".
         */
        INTEGER_LIST,
        REAL,
        CHOICE
    }

    /** Joins the entries of an {@link Kind#INTEGER_LIST} value. */
    public static final String LIST_SEPARATOR = "x";

    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");

    public ParamDef {
        if (!name.matches("[a-z][a-z0-9]*")) {
            throw new IllegalArgumentException("parameter name '" + name + "' must be lower-case letters and digits");
        }
        choices = List.copyOf(choices);
        if (defaultValue != null) {
            checkValue(kind, min, minExclusive, max, maxExclusive, choices, defaultValue);
        }
    }

    public static ParamDef integer(String name, int min, int max, Integer defaultValue, String help) {
        return new ParamDef(name, Kind.INTEGER, min, false, max, false, defaultValue, List.of(), help);
    }

    /** A list of one or more integers, each in [min, max]; the value is an unmodifiable {@code List<Integer>}. */
    public static ParamDef integers(String name, int min, int max, List<Integer> defaultValue, String help) {
        return new ParamDef(name, Kind.INTEGER_LIST, min, false, max, false,
                defaultValue == null ? null : List.copyOf(defaultValue), List.of(), help);
    }

    public static ParamDef real(String name, double min, double max, Double defaultValue, String help) {
        return new ParamDef(name, Kind.REAL, min, false, max, false, defaultValue, List.of(), help);
    }

    /** A real parameter in (min, max]. */
    public static ParamDef realAbove(String name, double min, double max, Double defaultValue, String help) {
        return new ParamDef(name, Kind.REAL, min, true, max, false, defaultValue, List.of(), help);
    }

    /** A real parameter in [min, max). */
    public static ParamDef realBelow(String name, double min, double max, Double defaultValue, String help) {
        return new ParamDef(name, Kind.REAL, min, false, max, true, defaultValue, List.of(), help);
    }

    public static ParamDef choice(String name, String defaultValue, String help, String... choices) {
        return new ParamDef(name, Kind.CHOICE, 0, false, 0, false, defaultValue, List.of(choices), help);
    }

    /** The {@code keep=} budget form: fraction of the received tokens to keep, in (0, 1]; default may be null. */
    public static ParamDef keep(Double defaultFraction) {
        return realAbove(Budget.Kind.KEEP.param(), 0, 1, defaultFraction, "fraction of the tokens to keep");
    }

    /** The {@code k=} budget form: number of tokens to keep in total. */
    public static ParamDef count() {
        return integer(Budget.Kind.COUNT.param(), 1, Integer.MAX_VALUE, null, "number of tokens to keep in total");
    }

    /** The {@code r=} budget form: number of tokens to remove. */
    public static ParamDef removals() {
        return integer(Budget.Kind.REMOVE.param(), 0, Integer.MAX_VALUE, null, "number of tokens to remove");
    }

    /**
     * Parses a spec value and checks it against this definition.
     *
     * @param method name of the method, for the error message
     * @return an Integer, Double or String
     * @throws IllegalArgumentException naming the method, parameter, value and what is allowed
     */
    public Object parse(String method, String text) {
        String t = text.trim();
        Object value = switch (kind) {
            case INTEGER -> parseInteger(method, t, text);
            case INTEGER_LIST -> {
                String[] parts = t.toLowerCase(Locale.ROOT).split(LIST_SEPARATOR, -1);
                List<Integer> list = new ArrayList<>(parts.length);
                for (String part : parts) {
                    if (!INTEGER.matcher(part.trim()).matches()) {
                        throw new BadInputException(where(method) + " expects integers joined by '"
                                + LIST_SEPARATOR + "' (e.g. 8x5x5x5), got " + quoted(text));
                    }
                    list.add(parseInteger(method, part.trim(), text));
                }
                yield List.copyOf(list);
            }
            case REAL -> {
                if (!NUMBER.matcher(t).matches()) {
                    throw new BadInputException(where(method) + " expects a number, got " + quoted(text));
                }
                yield Double.parseDouble(t);
            }
            case CHOICE -> t.toLowerCase(Locale.ROOT);
        };
        try {
            check(value);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(where(method) + " " + e.getMessage());
        }
        return value;
    }

    private int parseInteger(String method, String t, String text) {
        if (!INTEGER.matcher(t).matches()) {
            throw new BadInputException(where(method) + " expects an integer, got " + quoted(text));
        }
        BigInteger v = new BigInteger(t);
        if (v.bitLength() > 31) {
            throw new BadInputException(where(method) + " = " + t + " is outside " + range());
        }
        return v.intValue();
    }

    /** Checks an already-typed value (from code, or a default). */
    void check(Object value) {
        checkValue(kind, min, minExclusive, max, maxExclusive, choices, value);
    }

    private static void checkValue(Kind kind, double min, boolean minExclusive, double max, boolean maxExclusive,
                                   List<String> choices, Object value) {
        switch (kind) {
            case INTEGER, REAL -> {
                if (!(value instanceof Number num) || (kind == Kind.INTEGER && !(value instanceof Integer))) {
                    throw new BadInputException("must be " + (kind == Kind.INTEGER ? "an integer" : "a number")
                            + ", got " + value);
                }
                double v = num.doubleValue();
                boolean low = minExclusive ? v <= min : v < min;
                boolean high = maxExclusive ? v >= max : v > max;
                if (Double.isNaN(v) || low || high) {
                    throw new BadInputException("= " + format(value) + " is outside "
                            + range(kind, min, minExclusive, max, maxExclusive, choices));
                }
            }
            case INTEGER_LIST -> {
                if (!(value instanceof List<?> list) || list.isEmpty()
                        || !list.stream().allMatch(e -> e instanceof Integer)) {
                    throw new BadInputException("must be a non-empty list of integers, got " + value);
                }
                for (Object e : list) {
                    int v = (Integer) e;
                    if (v < min || v > max) {
                        throw new BadInputException("= " + format(value) + " has " + v + ", outside "
                                + range(Kind.INTEGER, min, minExclusive, max, maxExclusive, choices));
                    }
                }
            }
            case CHOICE -> {
                if (!choices.contains(value)) {
                    throw new BadInputException("= " + quoted(String.valueOf(value)) + " is not one of "
                            + String.join("|", choices));
                }
            }
        }
    }

    /** Allowed values in words, e.g. {@code (0, 1]} or {@code kcenter|maxsum}. */
    public String range() {
        return range(kind, min, minExclusive, max, maxExclusive, choices);
    }

    private static String range(Kind kind, double min, boolean minExclusive, double max, boolean maxExclusive,
                                List<String> choices) {
        return switch (kind) {
            case CHOICE -> String.join("|", choices);
            case INTEGER -> "[" + (long) min + ", " + (long) max + "]";
            case INTEGER_LIST -> "[" + (long) min + ", " + (long) max + "]" + LIST_SEPARATOR + "...";
            case REAL -> (minExclusive ? "(" : "[") + format(min) + ", " + format(max) + (maxExclusive ? ")" : "]");
        };
    }

    /** One line for help listings: {@code keep=<(0, 1]> default 0.5 - fraction of the tokens to keep}. */
    public String describe() {
        return name + "=<" + range() + ">" + (defaultValue == null ? "" : " default " + format(defaultValue))
                + " - " + help;
    }

    /** User text for an error message: quoted, with control characters escaped so the message stays one line. */
    static String quoted(String text) {
        StringBuilder sb = new StringBuilder("'");
        for (char c : text.toCharArray()) {
            boolean breaksLine = Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
            sb.append(breaksLine ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return sb.append('\'').toString();
    }

    /**
     * Canonical text of a value: integers without a decimal point, reals in the shortest exact decimal, lists of
     * integers joined by {@value #LIST_SEPARATOR}.
     */
    public static String format(Object value) {
        if (value instanceof List<?> list) {
            return String.join(LIST_SEPARATOR, list.stream().map(String::valueOf).toList());
        }
        if (value instanceof Double v && Double.isFinite(v)) {
            return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
        }
        return String.valueOf(value);
    }

    private String where(String method) {
        return method + ": parameter " + name;
    }
}
