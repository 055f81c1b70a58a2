/**
 * Components' lifecycle: it turns the configuration into running listeners, servers and children
 * (start order by prerequisites, the connection path through ACLs and limits to what serves each
 * connection), keeps daemons running under the respawn policy, carries out exit actions, reloads by
 * comparing the running components with the new ones, and shuts down. One supervisor thread owns
 * component state; event loops, the reaper and the control socket hand it their work. It may use
 * every package below it: {@code config}, {@code acl}, {@code net}, {@code service}, {@code
 * tcpmux}, {@code relay}, {@code mux} and {@code process}; the packages it wires know nothing of
 * it.
 */
package dev.porter.supervisor;
