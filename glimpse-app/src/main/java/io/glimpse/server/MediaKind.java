package io.glimpse.server;

/** What a request part carries: an image (image_url) or a video (video_url; one that is a still goes to the model as an image). */
public enum MediaKind {
    IMAGE, VIDEO
}
