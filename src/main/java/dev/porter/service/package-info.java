/**
 * The built-in services porter serves itself, each a small connection handler over {@code net}:
 * echo (RFC 862), discard (RFC 863), chargen (RFC 864), qotd (RFC 865), daytime (RFC 867) and time
 * (RFC 868), offered to the supervisor as handler factories by {@link dev.porter.service.Builtins}.
 * It may use {@code net} and {@code config}; it knows nothing of {@code tcpmux}, {@code relay} or
 * {@code process}.
 */
package dev.porter.service;
