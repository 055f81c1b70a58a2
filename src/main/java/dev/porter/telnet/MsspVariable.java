package dev.porter.telnet;

/**
 * One name/value pair of an MSSP subnegotiation (MUD Server Status Protocol, option 70).
 *
 * <p>libtelnet sizes its list by the number of MSSP_VAL markers and fills one pair per value; a
 * trailing MSSP_VAL with nothing after it counts but is never filled (libtelnet hands over NULL
 * pointers). Such a slot has {@code filled == false} and empty arrays.
 *
 * @param name the variable name
 * @param value the value
 * @param filled false for a counted slot that libtelnet leaves unset
 */
public record MsspVariable(byte[] name, byte[] value, boolean filled) {}
