package io.glimpse.bench.run;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * llama.cpp's llama-bench run on the very GGUF file {@link DecodeBench} timed, in the same run and alternated with it:
 * {@code -m FILE -p PP -n TG -d 0,CTX -t THREADS -r 1 -o csv} once after each of Glimpse's rounds, the best rate per
 * test kept as Glimpse's best round is. Alternating matters on a shared machine: its read bandwidth moved between 38
 * and 69 GB/s from one minute to the next (2-core EPYC VM), so a llama.cpp run after all of Glimpse's rounds could meet
 * another machine than they did. llama.cpp is not part of Glimpse: PATH is a binary the user built.
 */
final class LlamaBench {
    /** One llama-bench run's tokens per second: tg from an empty cache, tg at the context depth, and pp. */
    record Rates(double tg, double tgCtx, double pp) {
        static final Rates NONE = new Rates(0, 0, 0);

        Rates max(Rates o) {
            return new Rates(Math.max(tg, o.tg), Math.max(tgCtx, o.tgCtx), Math.max(pp, o.pp));
        }
    }

    private LlamaBench() {
    }

    /** One run, or null (with the reason printed) when the binary failed or printed no rates. */
    static Rates once(Path binary, Path model, DecodeBench.Options o, PrintWriter out) throws IOException, InterruptedException {
        List<String> cmd = List.of(binary.toString(), "-m", model.toString(), "-p", String.valueOf(o.pp()), "-n",
                String.valueOf(o.tg()), "-d", "0," + o.context(), "-t", String.valueOf(o.threads()), "-r", "1", "-o", "csv");
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        if (p.waitFor() != 0 || lines.isEmpty()) {
            out.println("  llama-bench " + binary + " failed (exit " + p.exitValue() + ")");
            return null;
        }
        List<String> header = split(lines.get(0));
        int prompt = header.indexOf("n_prompt");
        int gen = header.indexOf("n_gen");
        int depth = header.indexOf("n_depth");
        int ts = header.indexOf("avg_ts");
        if (prompt < 0 || gen < 0 || ts < 0) {
            out.println("  llama-bench printed no n_prompt/n_gen/avg_ts columns: " + lines.get(0));
            return null;
        }
        double lTg = Double.NaN;
        double lCtx = Double.NaN;
        double lPp = Double.NaN;
        for (String line : lines.subList(1, lines.size())) {
            List<String> f = split(line);
            double rate = Double.parseDouble(f.get(ts));
            long d = depth < 0 ? 0 : Long.parseLong(f.get(depth));
            if (Long.parseLong(f.get(prompt)) > 0 && d == 0) {
                lPp = rate;
            } else if (Long.parseLong(f.get(gen)) > 0) {
                if (d == 0) {
                    lTg = rate;
                } else {
                    lCtx = rate;
                }
            }
        }
        return new Rates(lTg, lCtx, lPp);
    }

    static void print(Rates l, int runs, DecodeBench.Options o, double tg, double tgCtx, double pp, PrintWriter out) {
        out.printf(Locale.ROOT, "  llama.cpp   tg %.2f (Glimpse %.2fx)   tg@%d %.2f (%.2fx)   pp %.2f (%.2fx)   best of %d runs%n",
                l.tg(), tg / l.tg(), o.context(), l.tgCtx(), tgCtx / l.tgCtx(), l.pp(), pp / l.pp(), runs);
    }

    private static List<String> split(String csvLine) {
        List<String> out = new ArrayList<>();
        Arrays.stream(csvLine.split(",", -1)).map(s -> s.replace("\"", "").trim()).forEach(out::add);
        return out;
    }
}
