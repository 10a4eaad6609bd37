package io.glimpse.bench.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * llama.cpp's {@code llama-mtmd-cli} run on the mmproj file {@link EncodeBench} timed, in the same run:
 * {@code -m LM --mmproj MMPROJ --image IMAGE -p describe -n 1 -t THREADS -c 4096 --chat-template vicuna} (LLaVA-1.5's
 * format; the tiny decoder carries no template), its encode time read from the line {@code tools/mtmd/mtmd-cli.cpp}
 * logs around {@code mtmd_batch_encode} ({@code mtmd batch encoding done in N ms}), or, in older builds, the one
 * {@code mtmd-helper.cpp} logs around {@code mtmd_encode_chunk} ({@code image slice encoded in N ms}): the tower and
 * projector graph only, preprocessing happens before, in tokenization; the one image is one slice for an mmproj
 * without anyres pinpoints. llama.cpp is not part of Glimpse: PATH is a binary the user built.
 */
final class LlamaMtmd {
    private static final Pattern ENCODED = Pattern.compile("(?:image slice encoded|mtmd batch encoding done) in (\\d+) ms");

    private LlamaMtmd() {
    }

    /** A run's outcome: the encode time in seconds, or why there is none. */
    record Result(OptionalDouble seconds, String failure) {
    }

    static Result encode(Path binary, Path lm, Path mmproj, Path image, int threads) throws IOException, InterruptedException {
        List<String> cmd = List.of(binary.toString(), "-m", lm.toString(), "--mmproj", mmproj.toString(), "--image",
                image.toString(), "-p", "describe", "-n", "1", "-t", String.valueOf(threads), "-c", "4096", "--chat-template",
                "vicuna");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int code = p.waitFor();
        Matcher m = ENCODED.matcher(log);
        if (code != 0 || !m.find()) {
            String last = log.lines().filter(l -> !l.isBlank()).reduce((a, b) -> b).orElse("");
            return new Result(OptionalDouble.empty(), "llama-mtmd-cli " + binary + " exited " + code
                    + " without an encode time (last line: " + last + ")");
        }
        return new Result(OptionalDouble.of(Long.parseLong(m.group(1)) / 1e3), null);
    }
}
