#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Boot a kernel + initramfs under QEMU with an emulated CCID reader and card.

Serial ports seen by the guest:
  ttyS0  kernel console            -> <logdir>/console-<name>.log
  ttyS1  test results (TAP)        -> <logdir>/results-<name>.tap
  ttyS2  control channel: the guest writes one request per line, the host
         answers one line ("ok" or "err <text>"); see handle_request().
  ttyS3  spare (null unless --serial3 is given), for serial reader emulators;
         the guest's twin-start request lends it to a GemPC Twin emulator
         (twin-reader, --twin) until twin-done gives it back (QMP
         chardev-change of chardev "serial3"). twin-usb-start plugs a
         usb-serial (FTDI) with the emulator behind it instead; QEMU unplugs
         it whenever the emulator is gone (twin-stop).

QEMU connects as a client to unix sockets this script listens on, so no guest
output is lost before we attach. QMP (also a client chardev) is used for the
card/reader hot-plug requests.

Exit status: the guest's status from the end marker ("# scard-vm-end rc=N"
on ttyS1), 123 when QEMU stopped answering QMP (killed at once), 124 when the
run timed out, 125 when the guest never reached the end marker, 126 on a
harness error.
"""

import argparse
import json
import os
import queue
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

END_MARKER = "# scard-vm-end"
QMP_TIMEOUT = 30.0
END_GRACE = 60.0  # seconds QEMU may take to exit after the end marker
EXIT_WEDGED = 123
EXIT_TIMEOUT = 124
EXIT_NO_END = 125
EXIT_HARNESS = 126


def log(msg):
    print("==> [vm] " + msg, file=sys.stderr, flush=True)


class HarnessError(Exception):
    pass


class QmpTimeout(HarnessError):
    """QEMU stopped answering QMP: its main loop is stuck, the guest with it."""


def have_kvm():
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as f:
            flags = f.read()
    except OSError:
        return False
    return (re.search(r"\b(vmx|svm)\b", flags) is not None
            and os.access("/dev/kvm", os.R_OK | os.W_OK))


class Listener:
    """A unix socket QEMU connects to as a chardev client."""

    def __init__(self, path):
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(path)
        self.sock.listen(1)
        self.conn = None

    def accept(self, timeout, proc):
        self.sock.settimeout(0.5)
        deadline = time.monotonic() + timeout
        while self.conn is None:
            try:
                self.conn, _ = self.sock.accept()
            except socket.timeout:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise HarnessError("QEMU did not connect to %s" % self.path) from None
        self.conn.settimeout(None)
        self.sock.close()
        return self.conn


class Sink(threading.Thread):
    """Copy a chardev stream to a file (CR stripped), optionally echoing it."""

    def __init__(self, conn, path, echo=None, on_line=None):
        super().__init__(daemon=True)
        self.conn = conn
        self.path = path
        self.echo = echo
        self.on_line = on_line
        self.partial = b""

    def run(self):
        with open(self.path, "wb") as out:
            while True:
                try:
                    data = self.conn.recv(65536)
                except OSError:
                    data = b""
                if not data:
                    break
                data = data.replace(b"\r", b"")
                out.write(data)
                out.flush()
                self.partial += data
                *lines, self.partial = self.partial.split(b"\n")
                for line in lines:
                    if self.echo is not None and not line.startswith(END_MARKER.encode()):
                        self.echo.write(line + b"\n")
                    if self.on_line is not None:
                        self.on_line(line.decode("utf-8", "replace"))
                if self.echo is not None:
                    self.echo.flush()


class Qmp:
    """Minimal QMP client: a reader thread queues every message."""

    def __init__(self, conn, transcript):
        self.conn = conn
        self.transcript = transcript
        self.msgs = queue.Queue()
        self.events = []
        self.lock = threading.Lock()
        t = threading.Thread(target=self._reader, daemon=True)
        t.start()
        greeting = self._next(QMP_TIMEOUT)
        if "QMP" not in greeting:
            raise HarnessError("unexpected QMP greeting: %r" % greeting)
        self.command("qmp_capabilities")

    def _reader(self):
        buf = b""
        while True:
            try:
                data = self.conn.recv(65536)
            except OSError:
                data = b""
            if not data:
                self.msgs.put(None)
                return
            buf += data
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                line = line.strip()
                if not line:
                    continue
                try:
                    self.msgs.put(json.loads(line))
                except ValueError:
                    self._note("qmp: unparsable %r" % line)

    def _note(self, text):
        self.transcript.write("%.3f %s\n" % (time.monotonic(), text))
        self.transcript.flush()

    def _next(self, timeout):
        try:
            msg = self.msgs.get(timeout=max(timeout, 0.01))
        except queue.Empty as e:
            raise QmpTimeout("QMP timeout") from e
        if msg is None:
            raise HarnessError("QMP connection closed")
        self._note("qmp< " + json.dumps(msg))
        return msg

    def command(self, name, timeout=QMP_TIMEOUT, **args):
        req = {"execute": name}
        if args:
            req["arguments"] = args
        self._note("qmp> " + json.dumps(req))
        with self.lock:
            self.conn.sendall(json.dumps(req).encode() + b"\n")
        deadline = time.monotonic() + timeout
        while True:
            msg = self._next(deadline - time.monotonic())
            if "event" in msg:
                self.events.append(msg)
            elif "error" in msg:
                raise HarnessError("%s: %s" % (name, msg["error"].get("desc", msg["error"])))
            elif "return" in msg:
                return msg["return"]

    def wait_event(self, name, pred=lambda data: True, timeout=QMP_TIMEOUT):
        deadline = time.monotonic() + timeout
        while True:
            for i, ev in enumerate(self.events):
                if ev["event"] == name and pred(ev.get("data", {})):
                    del self.events[i]
                    return ev
            msg = self._next(deadline - time.monotonic())
            if "event" in msg:
                self.events.append(msg)


class Vm:
    def __init__(self, args):
        self.args = args
        self.name = args.name
        os.makedirs(args.logdir, exist_ok=True)
        self.console_log = os.path.join(args.logdir, "console-%s.log" % self.name)
        self.results_log = os.path.join(args.logdir, "results-%s.tap" % self.name)
        self.qemu_log = os.path.join(args.logdir, "qemu-%s.log" % self.name)
        self.control_log = os.path.join(args.logdir, "control-%s.log" % self.name)
        self.sockdir = tempfile.mkdtemp(prefix="scard-vm-")
        self.proc = None
        self.qmp = None
        self.end_rc = None
        self.end_time = None
        self.wedged = None
        self.reader_seq = 0
        self.card_seq = 0
        self.reader = "ccid0"
        self.card = "card0"
        self.twin = None          # the twin-reader process on ttyS3
        self.twin_log = os.path.join(args.logdir, "twin-%s.log" % self.name)
        self.twin_sock = os.path.join(self.sockdir, "twin.sock")
        self.twin_lent = False    # ttyS3 is on twin_sock
        self.twin_usb_sock = os.path.join(self.sockdir, "twinusb.sock")
        self.twin_usb = False     # usb-serial twinusb0 is plugged

    # --- devices --------------------------------------------------------
    def card_props(self):
        return {
            "backend": "certificates",
            "db": "sql:" + self.args.nssdb,
            "cert1": "id-cert",
            "cert2": "signing-cert",
            "cert3": "encryption-cert",
        }

    def card_cmdline(self, card_id, reader_id):
        props = ",".join("%s=%s" % kv for kv in self.card_props().items())
        return "ccid-card-emulated,id=%s,bus=%s.0,%s" % (card_id, reader_id, props)

    def qemu_cmd(self, socks):
        a = self.args
        cmd = [a.qemu, "-machine", "q35", "-m", a.memory, "-smp", str(a.smp),
               "-nographic", "-no-reboot", "-monitor", "none",
               "-name", "scard-%s,debug-threads=on" % self.name, "-nic", "none",
               "-kernel", a.kernel, "-initrd", a.initrd, "-append", a.append]
        if have_kvm() and not a.no_kvm:
            cmd += ["-enable-kvm", "-cpu", "host"]
        cmd += ["-chardev", "socket,id=qmp,path=%s" % socks["qmp"], "-mon", "chardev=qmp,mode=control"]
        for dev in ("con", "res", "ctl"):
            cmd += ["-chardev", "socket,id=%s,path=%s" % (dev, socks[dev]), "-serial", "chardev:%s" % dev]
        cmd += ["-serial", a.serial3 or "null"]
        cmd += ["-device", "qemu-xhci,id=xhci",
                "-device", "usb-ccid,id=%s,bus=xhci.0" % self.reader]
        if not a.no_card:
            cmd += ["-device", self.card_cmdline(self.card, self.reader)]
        else:
            self.card = None
        cmd += a.extra
        return cmd

    # --- control channel ----------------------------------------------------
    def deleted(self, dev_id, timeout):
        self.qmp.command("device_del", id=dev_id)
        self.qmp.wait_event("DEVICE_DELETED", lambda d: d.get("device") == dev_id, timeout)

    def insert_card(self):
        if self.reader is None:
            raise HarnessError("no reader plugged")
        if self.card is not None:
            raise HarnessError("card %s already inserted" % self.card)
        self.card_seq += 1
        card = "card%d" % self.card_seq
        self.qmp.command("device_add", driver="ccid-card-emulated", id=card,
                         bus="%s.0" % self.reader, **self.card_props())
        self.card = card

    # --- ttyS3 lent to the GemPC Twin emulator ----------------------------
    def serial3_backend(self):
        """The QMP ChardevBackend of --serial3 (tcp:HOST:PORT,server=on,...)."""
        spec = self.args.serial3 or "null"
        m = re.match(r"tcp:([^:,]+):(\d+)((?:,[^,]+)*)$", spec)
        if not m:
            return {"type": "null", "data": {}}
        opts = m.group(3)
        return {"type": "socket", "data": {
            "addr": {"type": "inet", "data": {"host": m.group(1), "port": m.group(2)}},
            "server": "server=on" in opts or ",server" in opts,
            "wait": "wait=off" not in opts and "nowait" not in opts}}

    def twin_kill(self, sig=signal.SIGKILL):
        if self.twin is None:
            return
        if self.twin.poll() is None:
            self.twin.send_signal(sig)
            try:
                self.twin.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.twin.kill()
                self.twin.wait()
        self.twin = None

    def twin_usb_plug(self):
        """A usb-serial (FTDI) on chardev twinusb, attached while a client is."""
        if self.twin_usb:
            return
        try:
            os.unlink(self.twin_usb_sock)
        except OSError:
            pass
        self.qmp.command("chardev-add", id="twinusb", backend={
            "type": "socket", "data": {
                "addr": {"type": "unix", "data": {"path": self.twin_usb_sock}},
                "server": True, "wait": False}})
        self.qmp.command("device_add", driver="usb-serial", id="twinusb0",
                         bus="xhci.0", chardev="twinusb")
        self.twin_usb = True

    def twin_spawn(self, sock, rest):
        with open(self.twin_log, "a") as log_f:
            log_f.write("# twin-reader --connect %s %s\n" % (sock, " ".join(rest)))
            log_f.flush()
            self.twin = subprocess.Popen([self.args.twin, "--connect", sock] + rest,
                                         stdin=subprocess.DEVNULL, stdout=log_f,
                                         stderr=subprocess.STDOUT)
        return "ok"

    def twin_request(self, req, rest):
        if req == "twin-usb-start":
            if not self.args.twin:
                raise HarnessError("no twin-reader (--twin)")
            self.twin_kill()
            self.twin_usb_plug()
            return self.twin_spawn(self.twin_usb_sock, rest)
        if req == "twin-usb-done":
            self.twin_kill()
            if self.twin_usb:
                self.deleted("twinusb0", QMP_TIMEOUT)
                self.qmp.command("chardev-remove", id="twinusb")
                self.twin_usb = False
            return "ok"
        if req == "twin-start":
            if not self.args.twin:
                raise HarnessError("no twin-reader (--twin)")
            self.twin_kill()
            if not self.twin_lent:
                try:
                    os.unlink(self.twin_sock)
                except OSError:
                    pass
                self.qmp.command("chardev-change", id="serial3", backend={
                    "type": "socket", "data": {
                        "addr": {"type": "unix", "data": {"path": self.twin_sock}},
                        "server": True, "wait": False}})
                self.twin_lent = True
            return self.twin_spawn(self.twin_sock, rest)
        if req == "twin-card":
            if self.twin is None or self.twin.poll() is not None:
                raise HarnessError("twin-reader not running")
            sig = {"insert": signal.SIGUSR1, "remove": signal.SIGUSR2}.get(rest[0] if rest else "")
            if sig is None:
                raise HarnessError("twin-card insert|remove")
            self.twin.send_signal(sig)
            return "ok"
        if req == "twin-stop":
            self.twin_kill()
            return "ok"
        if req == "twin-done":
            self.twin_kill()
            if self.twin_lent:
                self.qmp.command("chardev-change", id="serial3", backend=self.serial3_backend())
                self.twin_lent = False
            return "ok"
        raise HarnessError("unknown request %r" % req)

    def handle_request(self, line):
        words = line.split()
        if not words:
            return None
        req, rest = words[0], words[1:]
        if req == "ping":
            return "ok"
        if req == "state":
            return "ok reader=%s card=%s" % (self.reader or "-", self.card or "-")
        if req == "sleep":
            secs = float(rest[0]) if rest else 1.0
            if not 0 <= secs <= 600:
                raise HarnessError("sleep out of range")
            time.sleep(secs)
            return "ok"
        if req == "card-remove":
            if self.card is None:
                raise HarnessError("no card inserted")
            self.deleted(self.card, QMP_TIMEOUT)
            self.card = None
            return "ok"
        if req == "card-insert":
            self.insert_card()
            return "ok"
        if req == "reader-unplug":
            if self.reader is None:
                raise HarnessError("no reader plugged")
            self.deleted(self.reader, QMP_TIMEOUT)
            self.reader = None
            self.card = None
            return "ok"
        if req == "reader-plug":
            if self.reader is not None:
                raise HarnessError("reader %s already plugged" % self.reader)
            self.reader_seq += 1
            reader = "ccid%d" % self.reader_seq
            self.qmp.command("device_add", driver="usb-ccid", id=reader, bus="xhci.0")
            self.reader = reader
            if "nocard" not in rest:
                self.insert_card()
            return "ok"
        if req.startswith("twin-"):
            return self.twin_request(req, rest)
        raise HarnessError("unknown request %r" % req)

    def serve_control(self, conn, transcript, deadline):
        buf = b""
        while True:
            if self.proc.poll() is not None:
                return "exited"
            left = deadline - time.monotonic()
            if left <= 0:
                return "timeout"
            if self.end_time is not None and time.monotonic() - self.end_time > END_GRACE:
                log("%s: guest finished but QEMU did not exit; killing it" % self.name)
                return "exited"
            r, _, _ = select.select([conn], [], [], min(left, 0.5))
            if not r:
                continue
            try:
                data = conn.recv(4096)
            except OSError:
                data = b""
            if not data:
                # Chardev closed: QEMU is going away.
                try:
                    self.proc.wait(timeout=min(max(deadline - time.monotonic(), 1), 60))
                    return "exited"
                except subprocess.TimeoutExpired:
                    return "timeout"
            buf += data.replace(b"\r", b"")
            while b"\n" in buf:
                raw, buf = buf.split(b"\n", 1)
                line = raw.decode("utf-8", "replace").strip()
                if not line:
                    continue
                transcript.write("%.3f guest> %s\n" % (time.monotonic(), line))
                transcript.flush()
                try:
                    reply = self.handle_request(line)
                except QmpTimeout:
                    self.wedged = line
                    self._dump_threads()
                    return "wedged"
                except HarnessError as e:
                    reply = "err %s" % e
                except (ValueError, OSError) as e:
                    reply = "err %s" % e
                if reply is None:
                    continue
                reply = reply.replace("\n", " ")
                transcript.write("%.3f host> %s\n" % (time.monotonic(), reply))
                transcript.flush()
                conn.sendall(reply.encode() + b"\n")

    # --- results channel --------------------------------------------------
    def on_result_line(self, line):
        if line.startswith(END_MARKER):
            m = re.search(r"rc=(\d+)", line)
            self.end_rc = int(m.group(1)) if m else 0
            self.end_time = time.monotonic()

    def run(self):
        a = self.args
        socks = {k: os.path.join(self.sockdir, k + ".sock") for k in ("qmp", "con", "res", "ctl")}
        listeners = {k: Listener(p) for k, p in socks.items()}
        cmd = self.qemu_cmd(socks)
        with open(self.qemu_log, "w") as qlog:
            qlog.write("# " + " ".join(cmd) + "\n")
            qlog.flush()
            log("booting %s: %s (log dir %s)" % (self.name, os.path.basename(a.kernel), a.logdir))
            start = time.monotonic()
            self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=qlog,
                                         stderr=subprocess.STDOUT, start_new_session=True)
            try:
                return self._run(listeners, start)
            finally:
                self.twin_kill()
                self._kill()
                shutil.rmtree(self.sockdir, ignore_errors=True)

    def _run(self, listeners, start):
        a = self.args
        try:
            conns = {}
            # QEMU creates chardevs in command-line order: qmp, con, res, ctl.
            for k in ("qmp", "con", "res", "ctl"):
                conns[k] = listeners[k].accept(60, self.proc)
        except HarnessError as e:
            self.proc.poll()
            log("%s (QEMU exit status %s; see %s)" % (e, self.proc.returncode, self.qemu_log))
            return EXIT_HARNESS
        echo_out = sys.stdout.buffer
        sinks = [
            Sink(conns["con"], self.console_log, echo=echo_out if a.echo_console else None),
            Sink(conns["res"], self.results_log, echo=echo_out if a.echo_results else None,
                 on_line=self.on_result_line),
        ]
        for s in sinks:
            s.start()
        with open(self.control_log, "w") as transcript:
            try:
                self.qmp = Qmp(conns["qmp"], transcript)
            except HarnessError as e:
                log("QMP: %s" % e)
                return EXIT_HARNESS
            how = self.serve_control(conns["ctl"], transcript, start + a.timeout)
            if how != "exited" or self.proc.poll() is None:
                self._kill()
        for s in sinks:
            s.join(timeout=10)
        elapsed = time.monotonic() - start
        if how == "wedged":
            msg = ("QEMU stopped answering QMP while handling '%s' (QEMU deadlock?); "
                   "killed after %.0f s" % (self.wedged, elapsed))
            log("%s: %s" % (self.name, msg))
            with open(self.console_log, "a") as f:
                f.write("\nscard-harness: %s\n" % msg)
            return EXIT_WEDGED
        if how == "timeout":
            log("%s: TIMEOUT after %.0f s, QEMU killed" % (self.name, elapsed))
            with open(self.console_log, "a") as f:
                f.write("\nscard-harness: VM run timed out after %.0f s, QEMU killed\n" % elapsed)
            return EXIT_TIMEOUT
        log("%s: QEMU exited (status %s) after %.0f s" % (self.name, self.proc.returncode, elapsed))
        if self.end_rc is None:
            log("%s: guest did not reach the end marker" % self.name)
            return EXIT_NO_END
        return self.end_rc

    def _dump_threads(self):
        """Record where QEMU's threads sleep (kernel side) in the QEMU log."""
        lines = []
        base = "/proc/%d/task" % self.proc.pid
        try:
            for tid in sorted(os.listdir(base), key=int):
                info = []
                for f in ("comm", "wchan", "stat"):
                    try:
                        with open(os.path.join(base, tid, f)) as fh:
                            info.append(fh.read().strip())
                    except OSError:
                        info.append("?")
                lines.append("  thread %s %s wchan=%s state=%s"
                             % (tid, info[0], info[1], info[2].split(") ")[-1][:1]))
        except OSError:
            return
        with open(self.qemu_log, "a") as f:
            f.write("scard-harness: QEMU unresponsive, its threads:\n" + "\n".join(lines) + "\n")

    def _kill(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--kernel", required=True)
    p.add_argument("--initrd", required=True)
    p.add_argument("--append", default="", help="extra kernel command line")
    p.add_argument("--name", default="vm", help="log file name suffix")
    p.add_argument("--logdir", required=True)
    p.add_argument("--nssdb", default="/var/cache/scard/nssdb")
    p.add_argument("--timeout", type=float, default=1500, help="whole run, seconds")
    p.add_argument("--memory", default="1G")
    p.add_argument("--smp", type=int, default=2)
    p.add_argument("--qemu", default="qemu-system-x86_64")
    p.add_argument("--serial3", help="QEMU -serial spec for ttyS3 (default null)")
    p.add_argument("--twin", help="twin-reader program for the guest's twin-start requests")
    p.add_argument("--no-card", action="store_true", help="start with an empty reader")
    p.add_argument("--no-kvm", action="store_true")
    p.add_argument("--echo-results", action="store_true", help="copy ttyS1 to stdout live")
    p.add_argument("--echo-console", action="store_true", help="copy ttyS0 to stdout live")
    p.add_argument("extra", nargs="*", help="extra QEMU arguments (after --)")
    a = p.parse_args()
    a.append = " ".join(["console=ttyS0,115200", "panic=-1", "loglevel=7", a.append]).strip()
    vm = Vm(a)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(EXIT_HARNESS))
    try:
        return vm.run()
    except HarnessError as e:
        log("error: %s" % e)
        return EXIT_HARNESS


if __name__ == "__main__":
    sys.exit(main())
