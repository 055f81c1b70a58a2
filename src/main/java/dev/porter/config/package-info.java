/**
 * porter's configuration: HOCON (Typesafe Config) read into immutable records, with every problem
 * reported at once as {@code FILE:LINE: key: what is wrong}. Nothing of Typesafe Config leaves this
 * package; absent values are {@code Optional} or empty collections, never null.
 *
 * <p>Entry points: {@link dev.porter.config.ConfigLoader#load(java.nio.file.Path)} (a file, its
 * {@code include required(...)}s, then {@code conf.d/*.conf} next to it in name order, later files
 * overriding and extending earlier ones; lists are replaced, not appended, as HOCON merges them),
 * {@link dev.porter.config.ConfigLoader#parse(String, String)} and {@link
 * dev.porter.config.ConfigLoader#loadDefault()}.
 *
 * <p>A load goes in steps: the grammar of each block (its statements as one table each: key and how
 * it is read), the rules of one component, the checks across components, then the files the
 * configuration names (the PEM files of {@code mux.tls}); every step adds its problems and the load
 * fails with all of them. It may use {@code acl} (the ACL rules) and nothing else of porter;
 * inetd.conf is read and converted here too.
 *
 * <h2>Statements</h2>
 *
 * Global: {@code pidfile}, {@code shutdown-timeout} (5s), {@code qotd-file}, {@code control.socket}
 * (unix://), {@code metrics.socket} (inet://), {@code acl} (a name from {@code acls} or a list of
 * rules; default: allow all), {@code acls { NAME = [rules] }}, {@code components { NAME { ... } }},
 * and {@code vars { ... }}, ignored by porter, for the user's own substitution variables ({@code
 * ${vars.bin}}).
 *
 * <p>Per component (GNU pies names):
 *
 * <pre>
 * socket          "inet://HOST:PORT" | "inet://[V6]:PORT" | "unix:///PATH;user=U;group=G;mode=0660"
 * tcpmux-master   NAME of a component with builtin = tcpmux (makes this a subordinate)
 * mux-link        NAME of a mode = mux component (makes this an exit of that link)
 * service         the name clients ask for (default: the component's key); case-insensitive
 * mode            inetd | accept | pass-fd | respawn | startup | shutdown | mux
 *                 default: mux with mux.*; pass-fd with pass-fd-socket; inetd with socket,
 *                 tcpmux-master, mux-link, builtin or route; respawn otherwise
 * command         [ argv ] or "a string split like sh(1) words, without a shell"
 *                 (flags = [shell]: the string runs as /bin/sh -c STRING)
 * builtin         tcpmux | echo | discard | daytime | time | chargen | qotd | telnet-proxy
 * route           "inet://HOST:PORT" | "unix:///PATH" | "mux://LINK/NAME"
 * pass-fd-socket  "unix:///PATH" of a daemon that takes connections by SCM_RIGHTS
 * flags           [ wait tcpmux tcpmuxplus sockenv resolve precious disable shell expandenv
 *                 nullinput ]
 *                 (a subordinate or exit without tcpmux/tcpmuxplus gets tcpmuxplus)
 * acl             NAME | [ "allow|deny from ADDR[/LEN]", "allow|deny any", "allow|deny acl NAME" ]
 * max-instances   N >= 1        max-instances-message "text"        max-rate  N >= 1 per minute
 * name-timeout    10s (masters and mux links)   idle-timeout 0 = none
 * connect-timeout 10s (routes)
 * send-timeout    60s (routes: a side that takes nothing queued for it this long closes
 *                 both; 0 = none)
 * proxy-protocol  accept (on a socket) | send-v1 | send-v2 (on a route)
 * proxy-protocol-from  NAME | [ rules ]: the balancers whose header is believed
 *                 (required with accept)
 * telnet-log      PATH-PREFIX, or "-" for standard output (builtin telnet-proxy)
 * telnet-compress-from-client  deny (default) | allow: a client may start MCCP2 toward the server
 * user, group     names or ids      umask "022" or 022 (octal)      chdir /path
 * env             { clear = true, keep = [ PATH, "LC_*" ], set { LANG = C.UTF-8 }, unset = [ TZ ] }
 * limits          { nofile = 4096, core = unlimited, ... }  (prlimit(1) names: as core cpu data
 *                 fsize locks memlock msgqueue nice nofile nproc rss rtprio rttime sigpending
 *                 stack)
 * prerequisites   [ NAME ... ]  (started first; cycles are refused)
 * stdout, stderr  "file PATH" | log
 * return-code     { "1 2" { action = restart }, EX_TEMPFAIL { action = disable, exec = "..." } }
 *                 (keys: exit codes 0-255 or sysexits names, separated by spaces or commas)
 * mux             { listen = URL } | { connect = URL } | { command = [ argv ] }  (mode mux)
 *   mux.replace   refuse (default) | allow: a proven new connection on listen replaces a link
 *                 that still answers (listen only)
 *   mux.max-streams  256 (at most 8192): streams one link carries at once
 *   mux.tls       { cert = PEM-FILE, key = PEM-FILE, ca = PEM-FILE, server-name = NAME,
 *                 peers = [ "DNS:name", "IP:address", "CN=name" ] }
 *                 (inet listen/connect only; cert and key together, required by listen; key is
 *                 unencrypted PKCS#8, RSA or EC; listen with ca requires client certificates,
 *                 and with peers one of those names in them; connect checks the server against
 *                 ca (default: the JDK's trust store) and server-name (default: the connect
 *                 host); files are read and checked at load, after the grammar)
 * </pre>
 */
package dev.porter.config;
