#!/usr/bin/env python3
"""Opens N connections to 127.0.0.1:PORT, checks each with a 16-byte echo, then holds them all.

Prints "READY <open> failed=<count>" once every connection is open, then sleeps until killed.
Used by relay-throughput.sh to measure a proxy's memory per idle relayed connection.
"""
import signal
import socket
import sys


def main():
    port, count = int(sys.argv[1]), int(sys.argv[2])
    held, failed = [], 0
    for i in range(count):
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=10)
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
        except OSError:
            failed += 1
    print(f"READY {len(held)} failed={failed}", flush=True)
    signal.pause()


if __name__ == "__main__":
    main()
