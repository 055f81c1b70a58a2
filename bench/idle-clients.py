#!/usr/bin/env python3
"""Opens N connections to 127.0.0.1:PORT, checks each with a 16-byte echo, then holds them all.

Prints "READY <open> failed=<count>" once every connection is open, then sleeps until killed.
Used by relay-throughput.sh to measure a proxy's memory per idle relayed connection.
"""
import signal
import socket
import sys

# A proxy that fails this many connections in a row has reached its limit.
MAX_FAILURES_IN_A_ROW = 20


def main():
    port, count = int(sys.argv[1]), int(sys.argv[2])
    held, failed, failed_in_a_row = [], 0, 0
    for i in range(count):
        if failed_in_a_row == MAX_FAILURES_IN_A_ROW:
            break  # the proxy has stopped taking connections: report what it holds
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            msg = b"%016d" % i
            s.sendall(msg)
            got = b""
            while len(got) < len(msg):
                chunk = s.recv(len(msg) - len(got))
                if not chunk:
                    raise OSError("closed before the echo")
                got += chunk
            if got != msg:
                raise OSError("echo differs")
            held.append(s)
            failed_in_a_row = 0
        except OSError:
            failed += 1
            failed_in_a_row += 1
    print(f"READY {len(held)} failed={failed}", flush=True)
    signal.pause()


if __name__ == "__main__":
    main()
