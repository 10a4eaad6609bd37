package io.glimpse.server;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Checks that a data URL's bytes are what its media type says, and whole: a PNG that lost its IEND chunk, an MP4 whose
 * last box runs past the end or a RIFF file shorter than its header says are refused before any decoder sees them
 * (decoders tend to make what they can of a truncated file, which would answer about a different picture).
 */
final class MediaSniffer {
    private static final Map<String, Predicate<byte[]>> CHECKS = Map.ofEntries(
            Map.entry("image/png", MediaSniffer::png),
            Map.entry("image/jpeg", MediaSniffer::jpeg),
            Map.entry("image/jpg", MediaSniffer::jpeg),
            Map.entry("image/gif", MediaSniffer::gif),
            Map.entry("image/webp", b -> riff(b, "WEBP")),
            Map.entry("image/bmp", MediaSniffer::bmp),
            Map.entry("video/mp4", MediaSniffer::isoBoxes),
            Map.entry("video/quicktime", MediaSniffer::isoBoxes),
            Map.entry("video/3gpp", MediaSniffer::isoBoxes),
            Map.entry("video/webm", MediaSniffer::matroska),
            Map.entry("video/x-matroska", MediaSniffer::matroska),
            Map.entry("video/x-msvideo", b -> riff(b, "AVI ")));

    private static final Map<String, String> EXTENSIONS = Map.ofEntries(
            Map.entry("image/png", ".png"), Map.entry("image/jpeg", ".jpg"), Map.entry("image/jpg", ".jpg"),
            Map.entry("image/gif", ".gif"), Map.entry("image/webp", ".webp"), Map.entry("image/bmp", ".bmp"),
            Map.entry("video/mp4", ".mp4"), Map.entry("video/quicktime", ".mov"), Map.entry("video/3gpp", ".3gp"),
            Map.entry("video/webm", ".webm"), Map.entry("video/x-matroska", ".mkv"), Map.entry("video/x-msvideo", ".avi"));

    private MediaSniffer() {
    }

    static boolean known(String mime) {
        return CHECKS.containsKey(mime.toLowerCase(Locale.ROOT));
    }

    /** Whether {@code data} is a whole file of type {@code mime} (a known one). */
    static boolean matches(String mime, byte[] data) {
        return CHECKS.get(mime.toLowerCase(Locale.ROOT)).test(data);
    }

    static String extension(String mime) {
        return EXTENSIONS.get(mime.toLowerCase(Locale.ROOT));
    }

    static java.util.Set<String> types() {
        return new java.util.TreeSet<>(CHECKS.keySet());
    }

    private static boolean startsWith(byte[] b, int... prefix) {
        if (b.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((b[i] & 0xFF) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean ascii(byte[] b, int at, String s) {
        return b.length >= at + s.length()
                && Arrays.equals(b, at, at + s.length(), s.getBytes(StandardCharsets.US_ASCII), 0, s.length());
    }

    /** Signature, then chunks (length, type, data, CRC) that end exactly with IEND. */
    private static boolean png(byte[] b) {
        if (!startsWith(b, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return false;
        }
        long at = 8;
        while (at + 12 <= b.length) {
            long length = ByteBuffer.wrap(b, (int) at, 4).getInt() & 0xFFFFFFFFL;
            boolean end = ascii(b, (int) at + 4, "IEND");
            at += 12 + length;
            if (end) {
                return at == b.length;
            }
        }
        return false;
    }

    /** SOI at the start, EOI among the last bytes (encoders may pad after it). */
    private static boolean jpeg(byte[] b) {
        if (!startsWith(b, 0xFF, 0xD8, 0xFF)) {
            return false;
        }
        for (int i = b.length - 2; i >= Math.max(3, b.length - 64); i--) {
            if ((b[i] & 0xFF) == 0xFF && (b[i + 1] & 0xFF) == 0xD9) {
                return true;
            }
        }
        return false;
    }

    private static boolean gif(byte[] b) {
        return (ascii(b, 0, "GIF87a") || ascii(b, 0, "GIF89a")) && (b[b.length - 1] & 0xFF) == 0x3B;
    }

    private static boolean bmp(byte[] b) {
        return ascii(b, 0, "BM") && b.length >= 6
                && (ByteBuffer.wrap(b, 2, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xFFFFFFFFL) <= b.length;
    }

    /** RIFF header with the form type, and at least as many bytes as its size field says. */
    private static boolean riff(byte[] b, String form) {
        return ascii(b, 0, "RIFF") && ascii(b, 8, form)
                && (ByteBuffer.wrap(b, 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xFFFFFFFFL) + 8 <= b.length;
    }

    private static boolean matroska(byte[] b) {
        return startsWith(b, 0x1A, 0x45, 0xDF, 0xA3);
    }

    /** ISO base media (MP4, QuickTime): an ftyp (or QuickTime's first atoms), then top-level boxes that tile the file exactly. */
    private static boolean isoBoxes(byte[] b) {
        if (!(ascii(b, 4, "ftyp") || ascii(b, 4, "moov") || ascii(b, 4, "mdat") || ascii(b, 4, "wide") || ascii(b, 4, "free"))) {
            return false;
        }
        long at = 0;
        while (at + 8 <= b.length) {
            long size = ByteBuffer.wrap(b, (int) at, 4).getInt() & 0xFFFFFFFFL;
            if (size == 1) {
                if (at + 16 > b.length) {
                    return false;
                }
                size = ByteBuffer.wrap(b, (int) at + 8, 8).getLong();
            } else if (size == 0) {
                return true;
            }
            if (size < 8 || size > b.length - at) {
                return false;
            }
            at += size;
        }
        return at == b.length;
    }
}
