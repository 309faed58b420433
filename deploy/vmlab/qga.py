#!/usr/bin/env python3
"""Talks to the two channels QEMU offers for a VM of the lab, with the standard library only.

  qga.py wait SOCK SECONDS            until the guest agent on SOCK runs a command (exit 1 on timeout)
  qga.py exec SOCK TIMEOUT COMMAND    /bin/sh -c COMMAND in the guest; its stdout, stderr and exit status
  qga.py put SOCK SRC DEST            copy host file SRC to DEST in the guest (mode kept)
  qga.py qmp SOCK COMMAND [JSON]      one QMP command on the monitor socket SOCK; prints the "return" as JSON

Why the agent and not ssh: it needs no network, so a scenario can take eth0 down, move the address or cut the
heartbeat port and still run commands; no keys, and it returns the exit status.
A QEMU chardev socket serves one client at a time and may still hold bytes of an earlier client: every
connection is closed on every path, and each session starts with guest-sync-delimited.
"""
import base64
import json
import os
import random
import shlex
import socket
import sys
import time

GUEST_ENV = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root", "LANG=C.UTF-8"]


class Channel:
    """A line-oriented JSON connection to a unix socket; closed by the with-statement on every path."""

    def __init__(self, path, timeout):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.pending = b""
        try:
            self.sock.connect(path)
        except BaseException:
            self.sock.close()
            raise

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.sock.close()

    def send(self, obj):
        self.sock.sendall(json.dumps(obj).encode() + b"\n")

    def read_until(self, marker):
        while marker not in self.pending:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("QEMU closed the socket")
            self.pending += chunk
        head, self.pending = self.pending.split(marker, 1)
        return head

    def message(self):
        while True:
            line = self.read_until(b"\n").replace(b"\xff", b"").strip()
            if line:
                try:
                    return json.loads(line)
                except ValueError:
                    continue  # a fragment left by an earlier client

    def reply(self, command, **arguments):
        self.send({"execute": command, "arguments": arguments} if arguments else {"execute": command})
        while True:
            msg = self.message()
            if "error" in msg:
                raise RuntimeError(f"{command}: {msg['error'].get('desc', msg['error'])}")
            if "return" in msg:
                return msg["return"]
            # anything else is an asynchronous event (QMP) or noise: keep reading


def agent(path, timeout):
    ch = Channel(path, timeout)
    try:
        token = random.randrange(1, 2**31)
        ch.sock.sendall(b"\xff")  # resets the agent's JSON parser after a client that left mid-message
        ch.send({"execute": "guest-sync-delimited", "arguments": {"id": token}})
        ch.read_until(b"\xff")  # the agent answers 0xff, then the reply; whatever came before is stale
        while ch.message().get("return") != token:
            pass
        return ch
    except BaseException:
        ch.sock.close()
        raise


def run(ch, command, timeout):
    pid = ch.reply("guest-exec", path="/bin/sh", arg=["-c", command], env=GUEST_ENV, **{"capture-output": True})["pid"]
    deadline = time.monotonic() + timeout
    pause = 0.02
    while True:
        st = ch.reply("guest-exec-status", pid=pid)
        if st.get("exited"):
            break
        if time.monotonic() > deadline:
            ch.reply("guest-exec", path="/bin/kill", arg=["-KILL", str(pid)])
            raise TimeoutError(f"still running after {timeout:g} s, killed: {command}")
        time.sleep(pause)
        pause = min(pause * 2, 0.25)
    out = base64.b64decode(st.get("out-data", ""))
    err = base64.b64decode(st.get("err-data", ""))
    if st.get("out-truncated") or st.get("err-truncated"):
        err += b"\n[qga.py: output truncated by the guest agent]\n"
    status = st.get("exitcode")
    return (128 + int(st.get("signal", 0))) if status is None else status, out, err


def cmd_wait(path, seconds):
    deadline = time.monotonic() + float(seconds)
    why = "no attempt"
    while time.monotonic() < deadline:
        try:
            with agent(path, 2.0) as ch:
                if run(ch, "true", 10)[0] == 0:
                    return 0
        except (OSError, ConnectionError, RuntimeError, ValueError, TimeoutError) as e:
            why = f"{type(e).__name__}: {e}"
        time.sleep(0.3)
    print(f"qga.py: the guest agent on {path} did not run a command in {seconds} s ({why})", file=sys.stderr)
    return 1


def cmd_exec(path, timeout, command):
    try:
        # a busy agent (another client, a guest slowed down by emulation) may take long to accept us
        with agent(path, 120.0) as ch:
            status, out, err = run(ch, command, float(timeout))
    except TimeoutError as e:
        print(f"qga.py: {e}", file=sys.stderr)
        return 124
    sys.stdout.buffer.write(out)
    sys.stdout.flush()
    sys.stderr.buffer.write(err)
    return status


def cmd_put(path, src, dest):
    with agent(path, 60.0) as ch:
        handle = ch.reply("guest-file-open", path=dest, mode="wb")
        try:
            with open(src, "rb") as f:
                while chunk := f.read(1 << 20):
                    ch.reply("guest-file-write", handle=handle, **{"buf-b64": base64.b64encode(chunk).decode()})
        finally:
            ch.reply("guest-file-close", handle=handle)
        status, _, err = run(ch, f"chmod {os.stat(src).st_mode & 0o7777:o} {shlex.quote(dest)}", 10)
        sys.stderr.buffer.write(err)
        return status


def cmd_qmp(path, command, arguments=None):
    with Channel(path, 10.0) as ch:
        ch.message()  # greeting
        ch.reply("qmp_capabilities")
        result = ch.reply(command, **(json.loads(arguments) if arguments else {}))
    print(json.dumps(result))
    return 0


def main(argv):
    ops = {"wait": (cmd_wait, 2), "exec": (cmd_exec, 3), "put": (cmd_put, 3), "qmp": (cmd_qmp, 2)}
    if len(argv) < 2 or argv[1] not in ops or len(argv) - 2 < ops[argv[1]][1]:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        return ops[argv[1]][0](*argv[2:])
    except (OSError, ConnectionError, RuntimeError, ValueError) as e:
        print(f"qga.py {argv[1]}: {type(e).__name__}: {e}", file=sys.stderr)
        return 125


if __name__ == "__main__":
    sys.exit(main(sys.argv))
