package io.glimpse.server;

import io.glimpse.testkit.Fixtures;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Paths and URLs a request may not use are refused with a 400 naming the field; what is allowed resolves inside. */
class MediaResolverTest {
    static final Path FIXTURES = Fixtures.path("");
    static final Path PNG = FIXTURES.resolve("vision/landscape.png");

    @TempDir
    Path root;
    Path allowed;
    Path secret;
    MediaResolver resolver;

    @BeforeEach
    void layout() throws Exception {
        allowed = Files.createDirectories(root.resolve("allowed"));
        Path outside = Files.createDirectories(root.resolve("outside"));
        Files.copy(PNG, allowed.resolve("photo.png"));
        secret = Files.copy(PNG, outside.resolve("secret.png"));
        Files.createSymbolicLink(allowed.resolve("link.png"), secret);
        Files.createSymbolicLink(allowed.resolve("door"), outside);
        resolver = new MediaResolver(List.of(allowed), Files.createDirectories(root.resolve("temp")));
    }

    private void refused(String url, String why) {
        assertThatThrownBy(() -> resolver.resolve(url, MediaKind.IMAGE, "messages[0].content[0].image_url"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.param()).isEqualTo("messages[0].content[0].image_url");
                })
                .hasMessageContaining(why);
    }

    @Test
    void filesInsideTheAllowedDirectoryResolveByPathAndFileUrl() {
        Media byPath = resolver.resolve(allowed.resolve("photo.png").toString(), MediaKind.IMAGE, "p");
        Media relative = resolver.resolve("photo.png", MediaKind.IMAGE, "p");
        Media byUrl = resolver.resolve(allowed.resolve("photo.png").toUri().toString(), MediaKind.IMAGE, "p");
        assertThat(List.of(byPath.file(), relative.file(), byUrl.file())).allMatch(p -> p.startsWith(allowed.toAbsolutePath()));
        assertThat(byPath.temporary()).isFalse();
        assertThat(byUrl.sha256()).isEqualTo(byPath.sha256()).hasSize(64);
    }

    @Test
    void dotDotOutOfTheAllowedDirectoryIsRefused() {
        refused(allowed + "/../outside/secret.png", "outside the allowed directories");
        refused("../outside/secret.png", "outside the allowed directories");
        refused("subdir/../../outside/secret.png", "outside the allowed directories");
    }

    @Test
    void symlinksLeadingOutAreRefusedOnceResolved() {
        refused(allowed.resolve("link.png").toString(), "outside the allowed directories");
        refused(allowed.resolve("door/secret.png").toString(), "outside the allowed directories");
    }

    @Test
    void absolutePathsAndFileUrlsOutsideAreRefused() {
        refused(secret.toString(), "outside the allowed directories");
        refused("/etc/passwd", "outside the allowed directories");
        refused(secret.toUri().toString(), "outside the allowed directories");
        refused("file://elsewhere.example/" + secret, "must name this machine");
    }

    @Test
    void percentEncodingIsDecodedInFileUrlsBeforeTheCheck() {
        refused("file://" + allowed + "/%2e%2e/outside/secret.png", "outside the allowed directories");
        refused("file://" + allowed + "/..%2Foutside%2Fsecret.png", "outside the allowed directories");
        // In a plain path, '%2e%2e' is a literal name, which does not exist inside.
        refused(allowed + "/%2e%2e/outside/secret.png", "no such file");
    }

    @Test
    void networkUrlsAreNeverFetched() {
        refused("http://127.0.0.1/photo.png", "never fetches http(s)");
        refused("HTTPS://example.com/photo.png", "never fetches http(s)");
        refused("ftp://example.com/photo.png", "only data: URLs, file: URLs and local paths");
    }

    @Test
    void withoutAllowedDirectoriesNoLocalFileIsRead() throws Exception {
        MediaResolver none = new MediaResolver(List.of(), root.resolve("temp"));
        assertThatThrownBy(() -> none.resolve(PNG.toString(), MediaKind.IMAGE, "p")).hasMessageContaining("--allow-dir");
    }

    @Test
    void dataUrlsMustHoldWholeFilesOfTheDeclaredType() throws Exception {
        byte[] png = Files.readAllBytes(PNG);
        String b64 = Base64.getEncoder().encodeToString(png);
        Media ok = resolver.resolve("data:image/png;base64," + b64, MediaKind.IMAGE, "p");
        assertThat(ok.temporary()).isTrue();
        assertThat(Files.readAllBytes(ok.file())).isEqualTo(png);
        ok.close();
        assertThat(ok.file()).doesNotExist();

        refused("data:image/jpeg;base64," + b64, "not a whole image/jpeg file");
        refused("data:image/png;base64," + Base64.getEncoder().encodeToString("GIF89a not a png".getBytes()), "not a whole image/png");
        refused("data:image/png;base64," + Base64.getEncoder().encodeToString(Arrays.copyOf(png, png.length / 2)), "truncated");
        refused("data:image/png;base64," + b64.substring(0, b64.length() - 1 - (b64.length() % 4 == 0 ? 4 : 0)) + "A", "");
        refused("data:image/png;base64,@@@@", "malformed or truncated");
        refused("data:image/png," + b64, "must be base64");
        refused("data:video/mp4;base64," + b64, "not an image type");
        refused("data:image/tiff;base64," + b64, "not supported");
    }

    @Test
    void aTruncatedMp4IsRefusedByItsBoxes() {
        byte[] ftyp = box("ftyp", 12);
        byte[] mdat = box("mdat", 100);
        byte[] whole = concat(ftyp, mdat);
        Media ok = resolver.resolve("data:video/mp4;base64," + Base64.getEncoder().encodeToString(whole), MediaKind.VIDEO, "v");
        assertThat(ok.kind()).isEqualTo(MediaKind.VIDEO);
        ok.close();
        assertThatThrownBy(() -> resolver.resolve("data:video/mp4;base64,"
                + Base64.getEncoder().encodeToString(Arrays.copyOf(whole, whole.length - 10)), MediaKind.VIDEO, "v"))
                .hasMessageContaining("truncated");
    }

    private static byte[] box(String type, int size) {
        byte[] b = new byte[size];
        b[0] = (byte) (size >>> 24);
        b[1] = (byte) (size >>> 16);
        b[2] = (byte) (size >>> 8);
        b[3] = (byte) size;
        System.arraycopy(type.getBytes(), 0, b, 4, 4);
        return b;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
