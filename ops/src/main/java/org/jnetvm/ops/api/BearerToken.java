package org.jnetvm.ops.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The check of {@code Authorization: Bearer <token>} against the config's {@code api.token}. With no token configured
 * (allowed on a loopback bind only) every request passes. Compares in constant time so that the time a refusal takes
 * says nothing about how much of a guess was right. Immutable; any thread.
 */
final class BearerToken {
    private static final String SCHEME = "Bearer ";
    private final byte[] token;

    BearerToken(String token) {
        this.token = token == null ? null : token.getBytes(StandardCharsets.US_ASCII);
    }

    boolean required() {
        return token != null;
    }

    /** Passes or throws a 401 naming what is missing or wrong. */
    void check(String authorization) {
        if (token == null) {
            return;
        }
        if (authorization == null || authorization.isBlank()) {
            throw new ApiException(401, "Authorization", "this API needs a token: send the header Authorization:"
                    + " Bearer <token>, with the token set as api.token in the manager's config");
        }
        if (!authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            throw new ApiException(401, "Authorization", "the Authorization header is not a Bearer token; send"
                    + " Authorization: Bearer <token>");
        }
        byte[] given = authorization.substring(SCHEME.length()).trim().getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(given, token)) {
            throw new ApiException(401, "Authorization", "the Bearer token is not the one in api.token; check the"
                    + " token you send");
        }
    }
}
