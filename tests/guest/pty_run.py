#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Run a command on a fresh pseudo-terminal (as a user's terminal would be)
and report whether it left the terminal's settings as it found them.

usage: pty_run.py [--kill-after SECONDS] [--type SECONDS TEXT]... <command...>
Prints the command's output, then "pty: status=N termios=restored|CHANGED";
exits 0 when the settings were restored. With --kill-after, sends SIGTERM
to the command after that many seconds. Each --type writes TEXT (Python
escapes: \\x01 is Ctrl-A) to the terminal that many seconds after the start,
as the operator typing.
"""
import codecs
import os
import select
import signal
import subprocess
import sys
import termios
import time


def main():
    argv = sys.argv[1:]
    kill_after = None
    typing = []
    while argv[:1] in (["--kill-after"], ["--type"]):
        if argv[0] == "--kill-after":
            kill_after = float(argv[1])
            argv = argv[2:]
        else:
            text = codecs.decode(argv[2], "unicode_escape").encode("latin-1")
            typing.append((float(argv[1]), text))
            argv = argv[3:]
    typing.sort()
    master, slave = os.openpty()
    before = termios.tcgetattr(slave)
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave,
                            start_new_session=True)
    start = time.monotonic()
    out = b""
    killed = False
    while True:
        r, _, _ = select.select([master], [], [], 0.1)
        if r:
            try:
                out += os.read(master, 65536)
            except OSError:
                pass
        while typing and time.monotonic() - start > typing[0][0]:
            os.write(master, typing.pop(0)[1])
        if kill_after is not None and not killed and time.monotonic() - start > kill_after:
            proc.send_signal(signal.SIGTERM)
            killed = True
        if proc.poll() is not None and not r:
            break
        if time.monotonic() - start > 60:
            proc.kill()
    after = termios.tcgetattr(slave)
    sys.stdout.write(out.decode(errors="replace"))
    ok = before == after
    print(f"\npty: status={proc.returncode} termios={'restored' if ok else 'CHANGED'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
