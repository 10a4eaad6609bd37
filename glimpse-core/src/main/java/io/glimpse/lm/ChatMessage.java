package io.glimpse.lm;

/**
 * One turn of a conversation: who speaks, how many images and videos it carries (rendered as placeholders the
 * model assembly later expands into visual tokens), and its text.
 */
public record ChatMessage(String role, int images, int videos, String text) {
    public ChatMessage {
        if (!role.equals("system") && !role.equals("user") && !role.equals("assistant")) {
            throw new IllegalArgumentException("role must be system, user or assistant, got '" + role + "'");
        }
        if (images < 0 || videos < 0) {
            throw new IllegalArgumentException("image and video counts must be non-negative, got " + images + " and " + videos);
        }
    }

    public static ChatMessage user(String text) {
        return new ChatMessage("user", 0, 0, text);
    }
}
