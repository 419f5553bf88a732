package org.jnetvm.ops.api;

/**
 * A request the API refuses: its HTTP status, what is wrong and what to do, and the field at fault (a path parameter,
 * a body field, a header), or null when the problem is not one field's. {@link ApiServer} turns it into
 * {@link ApiError} JSON.
 */
final class ApiException extends RuntimeException {
    private final int status;
    private final String field;

    ApiException(int status, String field, String message) {
        super(message, null, false, false);
        this.status = status;
        this.field = field;
    }

    static ApiException badRequest(String field, String message) {
        return new ApiException(400, field, message);
    }

    static ApiException notFound(String field, String message) {
        return new ApiException(404, field, message);
    }

    static ApiException conflict(String field, String message) {
        return new ApiException(409, field, message);
    }

    int status() {
        return status;
    }

    String field() {
        return field;
    }
}
