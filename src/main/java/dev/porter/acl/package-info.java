/**
 * Address rules: CIDR blocks for IPv4 and IPv6 ({@link dev.porter.acl.Cidr}), {@code allow} and
 * {@code deny} rules evaluated first match wins with a list that matches nothing denying (GNU pies'
 * semantics, {@link dev.porter.acl.Acl}), named lists, and the layered chain a connection must pass
 * (global, then a TCPMUX master's, then the subordinate's: {@link dev.porter.acl.AclChain}). Pure
 * values and functions, no I/O; it uses the JDK alone and no other porter package.
 */
package dev.porter.acl;
