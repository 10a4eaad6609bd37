package io.glimpse.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Turns a request's media reference into a {@link Media}: a base64 {@code data:} URL (written to a temporary file
 * after checking the bytes are the declared type and whole), or a local path or {@code file:} URL that must lie inside
 * an allowed directory once symlinks and {@code ..} are resolved. Nothing is ever fetched over the network.
 */
final class MediaResolver {
    private final List<Path> allowed;
    private final Path temp;

    /**
     * @param allowed directories requests may read from
     * @param temp    a directory the server owns, for decoded data URLs
     */
    MediaResolver(List<Path> allowed, Path temp) {
        this.allowed = allowed.stream().map(MediaResolver::real).toList();
        this.temp = temp;
    }

    private static Path real(Path dir) {
        try {
            return dir.toRealPath();
        } catch (IOException e) {
            throw new IllegalArgumentException(dir + ": allowed directory does not exist");
        }
    }

    /**
     * @param param the request field holding {@code url}, named in errors
     * @throws ApiException 400 for anything refused
     */
    Media resolve(String url, MediaKind kind, String param) {
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.startsWith("data:")) {
            return dataUrl(url, kind, param);
        }
        if (lower.startsWith("http:") || lower.startsWith("https:")) {
            throw ApiException.invalid(param, param + ": the server never fetches http(s) URLs; send the bytes as a "
                    + "base64 data: URL, or a path under an --allow-dir");
        }
        if (lower.startsWith("file:")) {
            return local(fileUrl(url, param), kind, param);
        }
        if (url.matches("^[A-Za-z][A-Za-z0-9+.-]+:.*")) {
            throw ApiException.invalid(param, param + ": only data: URLs, file: URLs and local paths are accepted");
        }
        Path p;
        try {
            p = Path.of(url);
        } catch (InvalidPathException e) {
            throw ApiException.invalid(param, param + ": not a valid path");
        }
        return local(p, kind, param);
    }

    /** Media from an uploaded body of type {@code mime}. */
    Media upload(byte[] data, String mime, MediaKind kind, String param) {
        return fromBytes(data, mime, kind, param);
    }

    private static Path fileUrl(String url, String param) {
        try {
            URI uri = new URI(url);
            if (uri.getAuthority() != null && !uri.getAuthority().isEmpty() && !uri.getAuthority().equals("localhost")) {
                throw ApiException.invalid(param, param + ": file: URLs must name this machine (file:///path)");
            }
            String path = uri.getPath();
            if (path == null || path.isEmpty()) {
                throw ApiException.invalid(param, param + ": file: URL without a path");
            }
            return Path.of(path);
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw ApiException.invalid(param, param + ": malformed file: URL");
        }
    }

    private Media local(Path given, MediaKind kind, String param) {
        if (allowed.isEmpty()) {
            throw ApiException.invalid(param, param + ": local files are off (start the server with --allow-dir DIR)");
        }
        Path abs = given.isAbsolute() ? given.normalize() : allowed.getFirst().resolve(given).normalize();
        String outside = param + ": the path is outside the allowed directories";
        if (allowed.stream().noneMatch(abs::startsWith)) {
            throw ApiException.invalid(param, outside);
        }
        Path real;
        try {
            real = abs.toRealPath();
        } catch (NoSuchFileException e) {
            throw ApiException.invalid(param, param + ": no such file in the allowed directories");
        } catch (IOException e) {
            throw ApiException.invalid(param, param + ": the file cannot be read");
        }
        if (allowed.stream().noneMatch(real::startsWith)) {
            throw ApiException.invalid(param, outside);
        }
        if (!Files.isRegularFile(real) || !Files.isReadable(real)) {
            throw ApiException.invalid(param, param + ": not a readable file");
        }
        try {
            return new Media(kind, real, sha256(real), false);
        } catch (UncheckedIOException e) {
            throw ApiException.invalid(param, param + ": the file cannot be read");
        }
    }

    private Media dataUrl(String url, MediaKind kind, String param) {
        int comma = url.indexOf(',');
        if (comma < 0) {
            throw ApiException.invalid(param, param + ": data: URL without a comma before its data");
        }
        String[] header = url.substring(5, comma).split(";");
        String mime = header[0].trim().toLowerCase(Locale.ROOT);
        boolean base64 = header.length > 1 && header[header.length - 1].trim().equalsIgnoreCase("base64");
        if (!base64) {
            throw ApiException.invalid(param, param + ": data: URLs must be base64 (data:TYPE;base64,...)");
        }
        byte[] data;
        try {
            // Strict alphabet (the MIME decoder skips stray characters); line breaks some encoders add are dropped first.
            data = Base64.getDecoder().decode(url.substring(comma + 1).replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(param, param + ": the data: URL's base64 is malformed or truncated");
        }
        return fromBytes(data, mime, kind, param);
    }

    private Media fromBytes(byte[] data, String mime, MediaKind kind, String param) {
        boolean image = mime.startsWith("image/");
        if (!(image || (kind == MediaKind.VIDEO && mime.startsWith("video/")))) {
            throw ApiException.invalid(param, param + ": media type '" + mime + "' is not " + (kind == MediaKind.IMAGE
                    ? "an image type" : "a video or image type"));
        }
        if (!MediaSniffer.known(mime)) {
            throw ApiException.invalid(param, param + ": media type '" + mime + "' is not supported (" + MediaSniffer.types() + ")");
        }
        if (data.length == 0 || !MediaSniffer.matches(mime, data)) {
            throw ApiException.invalid(param, param + ": the data is not a whole " + mime + " file (wrong type or truncated)");
        }
        try {
            Path file = Files.createTempFile(temp, "media-", MediaSniffer.extension(mime));
            Files.write(file, data);
            return new Media(kind, file, hex(digest().digest(data)), true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(Path file) {
        MessageDigest d = digest();
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                d.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return hex(d.digest());
    }

    private static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }
}
