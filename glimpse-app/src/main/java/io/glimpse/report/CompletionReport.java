package io.glimpse.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.glimpse.job.CompleteJob;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/** Renderings of a byte-level completion: a line per step with the most probable next bytes, and JSON. */
public final class CompletionReport {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CompletionReport() {
    }

    /** {@code 'e'      0.4120  ' '      0.2010  -> 'e'}: the listed symbols with their probabilities, then the chosen one. */
    public static String step(CompleteJob.Step step) {
        StringBuilder b = new StringBuilder();
        for (CompleteJob.Choice c : step.top()) {
            b.append(String.format(Locale.ROOT, "%-8s %.4f  ", quote(c.symbol()), c.probability()));
        }
        return b.append("-> ").append(quote(step.chosen().symbol())).toString();
    }

    /**
     * One JSON object: {@code prompt}, {@code completion} (text; a character cut by the byte limit as U+FFFD),
     * {@code bytes}, {@code ended}, and {@code steps} when given, each with its chosen symbol and the listed ones
     * ({@code symbol} spelled as by {@link #spell}, {@code code} 0–255 or 256 for the end, {@code p}).
     */
    public static String json(byte[] prompt, CompleteJob.Result r, List<CompleteJob.Step> steps) {
        ObjectNode root = JSON.createObjectNode();
        root.put("prompt", new String(prompt, StandardCharsets.UTF_8));
        root.put("completion", new String(r.completion(), StandardCharsets.UTF_8));
        root.put("bytes", r.completion().length);
        root.put("ended", r.ended());
        if (!steps.isEmpty()) {
            ArrayNode list = root.putArray("steps");
            steps.forEach(s -> list.add(stepJson(s)));
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One step as JSON: its chosen {@code symbol}, {@code code} and {@code p}, and the listed ones under {@code top}. */
    public static ObjectNode stepJson(CompleteJob.Step s) {
        ObjectNode o = JSON.createObjectNode();
        choice(o, s.chosen());
        ArrayNode top = o.putArray("top");
        s.top().forEach(c -> choice(top.addObject(), c));
        return o;
    }

    /** A printable ASCII byte as itself, another byte as {@code \xNN}, the end of the text as {@code <end>}. */
    public static String spell(int symbol) {
        if (symbol == CompleteJob.END) {
            return "<end>";
        }
        return symbol >= 0x20 && symbol < 0x7F ? String.valueOf((char) symbol) : String.format(Locale.ROOT, "\\x%02X", symbol);
    }

    private static void choice(ObjectNode o, CompleteJob.Choice c) {
        o.put("symbol", spell(c.symbol())).put("code", c.symbol()).put("p", c.probability());
    }

    private static String quote(int symbol) {
        return symbol == CompleteJob.END ? spell(symbol) : "'" + spell(symbol) + "'";
    }
}
