package io.holdfast.server;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One bearer token the server accepts, with the tenant and role it stands for. Tokens are compared by their
 * SHA-256 digest, so the server never needs to keep or log the secret beyond start-up.
 *
 * @param token the secret, 16 to 512 printable ASCII characters without spaces, colons or commas
 * @param tenant 1 to 64 characters of {@code [A-Za-z0-9_.-]}; every lock and session of the token lives in it
 * @param role what the token may do
 */
public record TokenGrant(String token, String tenant, Role role) {
  /** The shape of a tenant name: no '/', so {@code <tenant>/<name>} splits unambiguously. */
  public static final Pattern TENANT = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
  private static final Pattern SECRET = Pattern.compile("[!-~&&[^:,]]{16,512}");

  /**
   * Validates the grant.
   *
   * @throws IllegalArgumentException naming the bad field (never quoting the secret)
   */
  public TokenGrant {
    Objects.requireNonNull(role, "role");
    if (token == null || !SECRET.matcher(token).matches()) {
      throw new IllegalArgumentException("a bearer token must be 16 to 512 printable ASCII characters without"
          + " spaces, ':' or ','" + (token == null ? "" : " (got " + token.length() + " characters)"));
    }
    if (tenant == null || !TENANT.matcher(tenant).matches()) {
      throw new IllegalArgumentException("tenant must be 1 to 64 characters of [A-Za-z0-9_.-], was '" + tenant + "'");
    }
  }

  /**
   * Parses {@code TOKEN:TENANT:ROLE}, the form used by {@code --token}, {@code HOLDFAST_TOKENS} and the config
   * file; the role is {@code client} or {@code admin}.
   *
   * @param spec the text
   * @return the grant
   * @throws IllegalArgumentException when the text has another shape
   */
  public static TokenGrant parse(String spec) {
    String[] parts = spec.trim().split(":", -1);
    if (parts.length != 3) {
      throw new IllegalArgumentException("a token grant must look like TOKEN:TENANT:ROLE (role client or admin)");
    }
    Role role;
    try {
      role = Role.valueOf(parts[2].trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("token role must be client or admin, was '" + parts[2] + "'");
    }
    return new TokenGrant(parts[0].trim(), parts[1].trim(), role);
  }

  /** Never prints the secret. */
  @Override
  public String toString() {
    return "TokenGrant[tenant=" + tenant + ", role=" + role + "]";
  }
}
