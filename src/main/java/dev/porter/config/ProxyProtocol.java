package dev.porter.config;

/** HAProxy PROXY protocol use: accepted on a listener, or sent on a route. */
public enum ProxyProtocol {
  NONE,
  ACCEPT,
  SEND_V1,
  SEND_V2
}
