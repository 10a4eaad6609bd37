package io.glimpse.server;

/** What a request part carries: an image (image_url) or a video (video_url; a still image counts as a one-frame video). */
public enum MediaKind {
    IMAGE, VIDEO
}
