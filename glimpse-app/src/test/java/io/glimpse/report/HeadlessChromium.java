package io.glimpse.report;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Loads a page in Debian's headless Chromium and returns the DOM after its scripts ran. */
public final class HeadlessChromium {
    private HeadlessChromium() {
    }

    /** Chromium's path; skips the calling test outside CI when it is not installed (CI installs it). */
    public static Path require() {
        Path p = Path.of("/usr/bin/chromium");
        if (!Files.isExecutable(p)) {
            if (System.getenv("CI") != null) {
                throw new AssertionError("chromium is not installed; .ci/run installs Debian's chromium package");
            }
            Assumptions.abort("chromium not installed (apt-get install chromium)");
        }
        return p;
    }

    public static String dumpDom(Path html) throws IOException, InterruptedException {
        Path chromium = require();
        Path profile = Files.createTempDirectory("chromium-profile");
        Path out = Files.createTempFile("dom", ".html");
        try {
            Process p = new ProcessBuilder(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--user-data-dir=" + profile, "--virtual-time-budget=5000", "--dump-dom",
                    html.toUri().toString()))
                    .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("chromium did not finish within 120 s");
            }
            return Files.readString(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(out);
            try (var s = Files.walk(profile)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /** Value of a data attribute on the body of a dumped DOM, or null. */
    public static String bodyData(String dom, String attribute) {
        Matcher m = Pattern.compile("<body[^>]*\\sdata-" + Pattern.quote(attribute) + "=\"([^\"]*)\"").matcher(dom);
        return m.find() ? m.group(1) : null;
    }
}
