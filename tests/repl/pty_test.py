#!/usr/bin/env python3
"""`vlac repl` at a terminal: runs it on a pseudo-terminal, types as a person would and checks
what appears on the screen (ANSI escape codes stripped): the prompt, a statement, a multi-line
query with the continuation prompt, a wrong query with its caret diagnostic, Tab completion,
Ctrl-C at the prompt, a query over live standard input cancelled with Ctrl-C, and Ctrl-D. Every
wait is bounded, and the child is killed if it outlives the test. HOME is a temporary folder, so
the history file goes there (and is checked).

Usage: pty_test.py PATH/TO/vlac
"""
import fcntl
import os
import pty
import re
import select
import signal
import struct
import sys
import tempfile
import termios
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>78]|\x1b\][^\x07]*\x07|[\x07\x08]")
PROMPT = "vlac> "
DEADLINE = time.time() + 150  # for the whole test: once passed, every wait fails at once
CONT = "   ...> "


class Terminal:
    def __init__(self, argv, env, cwd):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            try:
                os.chdir(cwd)
                os.execve(argv[0], argv, env)
            finally:
                os._exit(127)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 160, 0, 0))
        self.raw = ""
        self.seen = 0  # how much of the screen text earlier expects consumed

    def screen(self):
        return ANSI.sub("", self.raw).replace("\r", "")

    def read_for(self, seconds):
        end = time.time() + seconds
        while time.time() < end:
            r, _, _ = select.select([self.fd], [], [], max(0.0, min(0.05, end - time.time())))
            if r:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:
                    return
                if not chunk:
                    return
                self.raw += chunk.decode("utf-8", "replace")

    def expect(self, text, timeout=30):
        """Waits until `text` appears after what earlier expects consumed; True when it did."""
        end = min(time.time() + timeout, DEADLINE)
        while True:
            s = self.screen()
            at = s.find(text, self.seen)
            if at >= 0:
                self.seen = at + len(text)
                return True
            if time.time() >= end:
                return False
            self.read_for(0.05)

    def send(self, text):
        os.write(self.fd, text.encode())

    def wait_exit(self, timeout=20):
        end = min(time.time() + timeout, DEADLINE + 10)
        while time.time() < end:
            self.read_for(0.05)
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return os.waitstatus_to_exitcode(status)
        return None

    def kill(self):
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass


def main():
    vlac = os.path.abspath(sys.argv[1])
    passed = failed = 0

    def check(name, ok, term=None):
        nonlocal passed, failed
        if ok:
            passed += 1
        else:
            failed += 1
            tail = term.screen()[-2500:] if term else ""
            print(f"FAIL {name}\n--- screen (end) ---\n{tail}\n---")
        return ok

    with tempfile.TemporaryDirectory() as home:
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home, "TERM": "xterm", "LANG": "C.UTF-8"}
        for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS"):  # the sanitizer build's settings
            if k in os.environ:
                env[k] = os.environ[k]
        lsan = os.environ.get("LSAN_OPTIONS", "")
        env["LSAN_OPTIONS"] = (lsan + ":" if lsan else "") + "suppressions=" + os.path.join(HERE, "lsan.supp")
        t = Terminal([vlac, "repl"], env, HERE)
        try:
            check("banner and prompt", t.expect("Type .help") and t.expect(PROMPT), t)

            t.send("CREATE STREAM camera (ts TIMESTAMP NOT NULL, cam_id INT32, frame_id INT64, brightness FLOAT32, "
                   "objects INT32, WATERMARK FOR ts AS ts - INTERVAL '50' MILLISECOND);\r")
            check("a statement", t.expect("created source stream camera (5 columns, event time ts)") and t.expect(PROMPT), t)

            t.send(".input camera=camera.csv\r")
            check("a command", t.expect(PROMPT), t)

            t.send("SELECT cam_id, COUNT(*) AS frames\r")
            check("continuation prompt", t.expect(CONT), t)
            t.send("FROM camera\r")
            check("continuation prompt again", t.expect(CONT), t)
            t.send("GROUP BY cam_id;\r")
            check("multi-line query result",
                  t.expect("cam_id  frames\n------  ------\n     1       4\n     2       4\n(2 rows)") and t.expect(PROMPT), t)

            t.send("SELECT cam_id,\r")
            t.expect(CONT)
            t.send("  brightnes FROM camera;\r")
            check("caret diagnostic",
                  t.expect("<repl>:2:3: error: unknown column 'brightnes'\n 2 |   brightnes FROM camera;\n"
                           "   |   ^~~~~~~~~\n   = hint: did you mean 'brightness'?") and t.expect(PROMPT), t)

            # Tab completes a keyword, a stream and a column.
            t.send("sel\t")
            check("Tab completes a keyword", t.expect("select "), t)
            t.send("fra\t")
            check("Tab completes a column", t.expect("frame_id "), t)
            t.send("FROM cam\t")
            check("Tab completes a stream", t.expect("camera "), t)
            t.send("WHERE frame_id = 3;\r")
            check("the completed query runs", t.expect("frame_id\n--------\n       3\n       3\n(2 rows)") and t.expect(PROMPT), t)

            # Ctrl-C at the prompt clears the line, and a pending statement.
            t.send("SELECT this is never run")
            t.send("\x03")
            check("Ctrl-C at the prompt", t.expect("^C") and t.expect(PROMPT), t)
            t.send("SELECT cam_id\r")
            t.expect(CONT)
            t.send("\x03")
            check("Ctrl-C at the continuation prompt", t.expect("^C") and t.expect(PROMPT), t)

            # A query over live standard input: rows show as they come; Ctrl-C cancels it.
            t.send(".input camera=\r")
            t.expect(PROMPT)
            t.send(".input camera=-\r")
            t.expect(PROMPT)
            t.send("SELECT cam_id, frame_id FROM camera;\r")
            check("live query starts", t.expect("cam_id  frame_id\n------  --------"), t)
            t.send("ts,cam_id,frame_id\r")
            t.send("2026-11-24T06:30:00Z,1,41\r")
            check("a live row appears at once", t.expect("     1        41"), t)
            t.send("2026-11-24T06:30:01Z,2,42\r")
            check("another live row", t.expect("     2        42"), t)
            time.sleep(0.3)
            t.send("\x03")
            check("Ctrl-C cancels the query", t.expect("(2 rows)") and t.expect("note: query cancelled"), t)
            check("the prompt comes back", t.expect(PROMPT), t)
            t.send(".input camera=\r")
            t.expect(PROMPT)
            t.send(".input camera=camera.csv\r")
            t.expect(PROMPT)
            t.send("SELECT COUNT(*) AS n FROM camera;\r")
            check("the session goes on after a cancel", t.expect("n\n-\n8\n(1 row)") and t.expect(PROMPT), t)

            t.send("\x04")  # Ctrl-D on an empty line
            code = t.wait_exit()
            check("Ctrl-D exits with status 0", code == 0, t)
        finally:
            t.kill()

        history = os.path.join(home, ".local", "state", "vlac", "history")
        text = open(history, encoding="utf-8", errors="replace").read() if os.path.exists(history) else ""
        check("history file written", "CREATE\\040STREAM\\040camera" in text or "CREATE STREAM camera" in text)
        check("a multi-line query is one history entry",
              "SELECT\\040cam_id,\\040COUNT(*)\\040AS\\040frames\\040FROM\\040camera\\040GROUP\\040BY\\040cam_id;" in text,
              None)

    print(f"repl_pty: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
