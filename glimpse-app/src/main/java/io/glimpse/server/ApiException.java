package io.glimpse.server;

/**
 * A failed request as OpenAI reports it: {@code {"error":{"message","type","param","code"}}} with an HTTP status.
 *
 * @param param the request field at fault (dotted path), or null
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String type;
    private final String param;
    private final String code;

    private ApiException(int status, String type, String param, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
    }

    public static ApiException invalid(String param, String message) {
        return new ApiException(400, "invalid_request_error", param, null, message);
    }

    public static ApiException unauthorized() {
        return new ApiException(401, "invalid_request_error", null, "invalid_api_key",
                "missing or wrong API key: send Authorization: Bearer KEY");
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, "invalid_request_error", null, "not_found", message);
    }

    public static ApiException tooLarge(String param, String message) {
        return new ApiException(413, "invalid_request_error", param, "request_too_large", message);
    }

    public static ApiException busy(String message) {
        return new ApiException(429, "rate_limit_error", null, "server_busy", message);
    }

    public static ApiException timeout(String message) {
        return new ApiException(504, "timeout_error", null, "timeout", message);
    }

    public static ApiException internal() {
        return new ApiException(500, "server_error", null, null, "internal error (a bug in Glimpse); the server log has no more to say to clients");
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String param() {
        return param;
    }

    public String code() {
        return code;
    }
}
