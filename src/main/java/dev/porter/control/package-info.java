/**
 * What a running porter offers besides its services: the control socket (a Unix socket, one request
 * line and one JSON reply per connection, the peer checked by its credentials) and its client for
 * {@code porter ctl}, the metrics endpoint (porter's own small HTTP/1.1 server with sans-I/O
 * request decoding), and systemd notification ({@code NOTIFY_SOCKET}). It may use the {@code
 * supervisor} to carry requests out, and {@code mux}, {@code net} and {@code config}.
 */
package dev.porter.control;
