package dev.porter.telnet;

/**
 * One variable of an ENVIRON / NEW-ENVIRON subnegotiation (RFC 1408, RFC 1572), ESC escapes
 * removed.
 *
 * @param type {@link Telnet#ENVIRON_VAR}, {@link Telnet#ENVIRON_USERVAR} or, from a malformed peer,
 *     another byte value
 * @param name the variable name
 * @param value the value; empty both when the value is empty and when it is missing, as in
 *     libtelnet
 */
public record EnvironValue(int type, byte[] name, byte[] value) {}
