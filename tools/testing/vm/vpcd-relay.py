#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Relay vpcd messages between QEMU's serial TCP server and vicc.

  vpcd-relay.py QEMU_PORT VICC_PORT

vicc (vsmartcard 0.8) reads a message with recv(2) and recv(len) and dies
when a read returns less, which a serial line delivering one byte at a time
causes. The relay listens on 127.0.0.1:VICC_PORT for vicc, connects to
QEMU's server on 127.0.0.1:QEMU_PORT (retrying until QEMU listens) and
hands vicc each message from the guest whole (2-byte big-endian length +
payload); vicc's answers go back unchanged. When QEMU closes the connection
(its ttyS3 was lent to another emulator, qemu.py twin-start) the relay
connects again, keeping vicc.
"""
import select
import socket
import sys
import time


def main():
    qport, vport = int(sys.argv[1]), int(sys.argv[2])
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", vport))
    ls.listen(1)
    q = None
    v = None
    buf = b""
    while True:
        while q is None:
            try:
                q = socket.create_connection(("127.0.0.1", qport))
                buf = b""
            except OSError:
                time.sleep(0.2)
        rl = [q, v] if v else [q, ls]
        r, _, _ = select.select(rl, [], [])
        if ls in r and not v:
            v, _ = ls.accept()
            continue
        if q in r:
            try:
                data = q.recv(4096)
            except OSError:
                data = b""
            if not data:
                q.close()
                q = None
                continue
            buf += data
            while len(buf) >= 2 and len(buf) >= 2 + (buf[0] << 8 | buf[1]):
                n = 2 + (buf[0] << 8 | buf[1])
                if v:
                    try:
                        v.sendall(buf[:n])
                    except OSError:
                        v = None
                buf = buf[n:]
        if v and v in r:
            data = v.recv(4096)
            if not data:
                v.close()
                v = None
                continue
            try:
                q.sendall(data)
            except OSError:
                q.close()
                q = None


if __name__ == "__main__":
    sys.exit(main())
