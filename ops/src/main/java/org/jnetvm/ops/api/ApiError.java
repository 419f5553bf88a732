package org.jnetvm.ops.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The body of every error response: {@code {"status": 404, "error": "Not Found", "message": "...", "field": "slot"}}.
 *
 * @param status  the HTTP status, repeated for clients that only keep the body
 * @param error   the status's reason phrase
 * @param message what is wrong and what to do
 * @param field   the path parameter, body field or header at fault; null when the problem is not one field's
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ApiError(int status, String error, String message, String field) {
}
