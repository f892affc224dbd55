#!/usr/bin/env python3
"""MQTT sources and sinks (LANGUAGE.md §12) against a real broker: Debian's mosquitto, started
here on 127.0.0.1 at a free port with a temporary configuration, and stopped at exit.

Batch = stream: e2e cases (tests/e2e/cases, whose expected.csv comes from an independent
reference) are published message by message with mosquitto_pub and run live; their output must
be the case's expected.csv byte for byte, and the file run's. Also: an output published to a
topic and read back with mosquitto_sub, `?format=csv` and JSON messages, two topics joined,
rejects named `mqtt://HOST/TOPIC#N`, SIGINT with and without --drain (on standard input too), an
unreachable broker, a broker restarted in the middle of a stream (received = accepted +
rejected), `--format table` printing live rows as they come, and `--idle-timeout` letting a
quiet topic stop holding results back; the REPL's `.input` of a topic; `--checkpoint` with a
topic across a kill -9.

Usage: mqtt_test.py PATH/TO/vlac
"""
import csv
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

from checks import check, summary

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "..", "e2e", "cases")
HOST = "127.0.0.1"


# Frames as-of joined with the instruction in force (LANGUAGE.md §6): each frame meets the
# latest instruction at or before it.
IDLE_PROGRAM = """
CREATE STREAM frames (ts TIMESTAMP NOT NULL, frame_id INT64,
                      WATERMARK FOR ts AS ts - INTERVAL '10' MILLISECOND);
CREATE STREAM instructions (ts TIMESTAMP NOT NULL, text STRING, WATERMARK FOR ts AS ts);
SELECT f.frame_id, i.text FROM frames f LEFT ASOF JOIN instructions i ON f.ts >= i.ts;
"""


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Broker:
    def __init__(self, directory, port):
        self.port = port
        self.conf = os.path.join(directory, "mosquitto.conf")
        with open(self.conf, "w") as f:
            f.write(f"listener {port} {HOST}\nallow_anonymous true\npersistence false\n")
        self.log = open(os.path.join(directory, "broker.log"), "a")
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(["mosquitto", "-c", self.conf], stdout=self.log, stderr=self.log)
        for _ in range(100):  # up when it accepts connections
            try:
                socket.create_connection((HOST, self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("mosquitto did not start")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)


def publish(port, topic, messages):
    """Publishes each message (QoS 1); mosquitto_pub -l sends one message per line."""
    body = "".join(m + "\n" for m in messages)
    subprocess.run(["mosquitto_pub", "-h", HOST, "-p", str(port), "-t", topic, "-q", "1", "-l"],
                   input=body, text=True, check=True, timeout=60)


def csv_records(path):
    """The data lines of a CSV file, without the header (one record per line in these cases)."""
    with open(path, newline="") as f:
        lines = f.read().splitlines()
    return lines[1:]


def json_records(path):
    """The CSV file's rows as JSON objects: numbers as numbers, true/false as booleans, empty
    fields as null."""
    out = []
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            obj = {}
            for k, v in row.items():
                if v == "":
                    obj[k] = None
                    continue
                if v.lower() in ("true", "false"):
                    obj[k] = v.lower() == "true"
                    continue
                try:
                    obj[k] = int(v)
                except ValueError:
                    try:
                        obj[k] = float(v)
                    except ValueError:
                        obj[k] = v
            out.append(json.dumps(obj))
    return out


class Run:
    """A live `vlac run` whose stderr is collected in a file, to wait for its lines."""

    def __init__(self, vlac, args, workdir):
        self.err_path = os.path.join(workdir, f"err{time.monotonic_ns()}.txt")
        self.err = open(self.err_path, "w")
        self.proc = subprocess.Popen([vlac, "run"] + args, stdout=subprocess.PIPE, stderr=self.err, text=True)

    def stderr(self):
        with open(self.err_path) as f:
            return f.read()

    def wait_for(self, text, seconds=30):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if text in self.stderr():
                return True
            if self.proc.poll() is not None:
                return text in self.stderr()
            time.sleep(0.02)
        return False

    def finish(self, sig=None, seconds=60):
        if sig is not None:
            self.proc.send_signal(sig)
        out, _ = self.proc.communicate(timeout=seconds)
        self.err.close()
        return self.proc.returncode, out, self.stderr()


def main():
    vlac = os.path.abspath(sys.argv[1])
    if not shutil.which("mosquitto") or not shutil.which("mosquitto_pub"):
        print("mosquitto is not installed (scripts/install-deps.sh installs it)")
        return 1

    with tempfile.TemporaryDirectory() as d:
        port = free_port()
        broker = Broker(d, port)
        broker.start()
        url = f"mqtt://{HOST}:{port}"
        try:
            # 1. §1's program on ?format=csv messages, ended by SIGINT with --drain: a last,
            # malformed message shows that every row before it was read (and names its number).
            case = os.path.join(CASES, "spec_cam_stats")
            prog = os.path.join(case, "program.vsql")
            expected = open(os.path.join(case, "expected.csv")).read()
            rows = csv_records(os.path.join(case, "camera.csv"))
            run = Run(vlac, [prog, "--input", f"camera={url}/robot/camera?format=csv", "--drain", "--stats"], d)
            check("csv: subscribed", run.wait_for("subscribed"), run.stderr())
            publish(port, "robot/camera", rows[:5] + ["not,a,row"] + rows[5:] + ["end"])
            n = len(rows) + 2
            check("csv: the last message is rejected by its number", run.wait_for(f"mqtt://{HOST}/robot/camera#{n}: "), run.stderr())
            code, out, err = run.finish(signal.SIGINT)
            check("csv --drain: exit 0", code == 0, err)
            check("csv --drain: the rows of the file's expected output", out == expected, out[:500] + "\n" + err)
            check("csv: the malformed message 6 is named", f"mqtt://{HOST}/robot/camera#6: " in err, err)
            check("csv: accounted", f"source camera: {n} read, {len(rows)} accepted, 2 rejected" in err, err)
            check("csv --drain: says so", "--drain" in err, err)

            # 2. The same without --drain: SIGINT stops the run, open windows are not fired.
            run = Run(vlac, [prog, "--input", f"camera={url}/robot/camera2?format=csv"], d)
            check("sigint: subscribed", run.wait_for("subscribed"), run.stderr())
            publish(port, "robot/camera2", rows + ["end"])
            run.wait_for(f"#{len(rows) + 1}: ")
            code, out, err = run.finish(signal.SIGINT)
            check("sigint: exit 130", code == 130, err)
            check("sigint: fewer rows than at the end of input", out.count("\n") < expected.count("\n"), out)
            check("sigint: what it wrote is the start of the full output", expected.startswith(out), out)

            # 3. JSON messages, ended by ?count=N (a bounded source): SESSION windows.
            case = os.path.join(CASES, "session_grasps")
            prog = os.path.join(case, "program.vsql")
            msgs = json_records(os.path.join(case, "gripper_contact.csv"))
            run = Run(vlac, [prog, "--input", f"gripper_contact={url}/robot/gripper?count={len(msgs)}"], d)
            check("json: subscribed", run.wait_for("subscribed"), run.stderr())
            publish(port, "robot/gripper", msgs)
            code, out, err = run.finish(seconds=60)
            check("json ?count: exit 0", code == 0, err)
            check("json ?count: the expected output", out == open(os.path.join(case, "expected.csv")).read(), out[:500] + err)

            # 4. Two topics joined (as-of join, wildcard-free), each bounded: rows interleave by
            # event time as two files do.
            case = os.path.join(CASES, "asof_frame_pose")
            prog = os.path.join(case, "program.vsql")
            cam = csv_records(os.path.join(case, "wrist_camera.csv"))
            joints = csv_records(os.path.join(case, "joint_state.csv"))
            run = Run(vlac, [prog, "--input", f"wrist_camera={url}/robot/wrist?format=csv&count={len(cam)}",
                             "--input", f"joint_state={url}/robot/joints?format=csv&count={len(joints)}"], d)
            check("join: subscribed", run.wait_for("robot/wrist: subscribed") and run.wait_for("robot/joints: subscribed"), run.stderr())
            publish(port, "robot/joints", joints)
            publish(port, "robot/wrist", cam)
            code, out, err = run.finish(seconds=60)
            check("join: exit 0", code == 0, err)
            check("join: the expected output", out == open(os.path.join(case, "expected.csv")).read(), out[:500] + err)

            # 5. An output published to a topic, read back with mosquitto_sub: one JSON object
            # per row, the rows of --format jsonl on the file.
            case = os.path.join(CASES, "spec_cam_stats")
            prog = os.path.join(case, "program.vsql")
            jsonl = subprocess.run([vlac, "run", prog, "--input", f"camera={os.path.join(case, 'camera.csv')}", "--format", "jsonl"],
                                   capture_output=True, text=True, timeout=60).stdout.splitlines()
            sub = subprocess.Popen(["mosquitto_sub", "-h", HOST, "-p", str(port), "-t", "robot/stats", "-q", "1",
                                    "-C", str(len(jsonl)), "-W", "60"], stdout=subprocess.PIPE, text=True)
            time.sleep(0.5)  # subscribed before the rows are published
            r = subprocess.run([vlac, "run", prog, "--input", f"camera={os.path.join(case, 'camera.csv')}",
                                "--output", f"cam_stats={url}/robot/stats"], capture_output=True, text=True, timeout=60)
            check("sink: exit 0", r.returncode == 0, r.stderr)
            got, _ = sub.communicate(timeout=60)
            check("sink: the rows, one JSON object each", got.splitlines() == jsonl, got[:500])
            check("sink: JSON objects", all(json.loads(x)["frames"] > 0 for x in got.splitlines()), got[:200])

            # 6. An unreachable broker is an error naming it (exit 1); a malformed address is a
            # usage error (exit 2).
            dead = free_port()
            r = subprocess.run([vlac, "run", prog, "--input", f"camera=mqtt://{HOST}:{dead}/x"], capture_output=True, text=True, timeout=60)
            check("unreachable: exit 1", r.returncode == 1, r.stderr)
            check("unreachable: names the broker", f"mqtt://{HOST}:{dead}" in r.stderr, r.stderr)
            r = subprocess.run([vlac, "run", prog, "--input", "camera=mqtt://h/x?format=xml"], capture_output=True, text=True, timeout=60)
            check("bad address: exit 2", r.returncode == 2, r.stderr)
            r = subprocess.run([vlac, "run", prog, "--input", "camera=mqtt://h:0/x"], capture_output=True, text=True, timeout=60)
            check("bad port: exit 2", r.returncode == 2, r.stderr)

            # 7. The broker restarts in the middle of the stream: reported, reconnected, no crash,
            # and every message received is accepted or rejected. (Messages published while the
            # broker is down are not sent: the publisher waits until it is back.)
            rows = csv_records(os.path.join(case, "camera.csv"))
            half = len(rows) // 2
            run = Run(vlac, [prog, "--input", f"camera={url}/robot/restart?format=csv&count={len(rows)}", "--stats"], d)
            check("restart: subscribed", run.wait_for("subscribed"), run.stderr())
            publish(port, "robot/restart", rows[:half])
            time.sleep(0.3)
            broker.stop()
            check("restart: the lost connection is reported", run.wait_for("lost"), run.stderr())
            broker.start()
            check("restart: reconnected", run.wait_for("reconnected", 60), run.stderr())
            time.sleep(0.3)  # the subscription of the new session reaches the broker
            publish(port, "robot/restart", rows[half:])
            code, out, err = run.finish(seconds=60)
            check("restart: exit 0", code == 0, err)
            check("restart: accounted", f"source camera: {len(rows)} read, {len(rows)} accepted, 0 rejected" in err, err)
            check("restart: the expected output", out == expected, out[:300] + err)

            # 8. --drain on standard input: the signal ends it as the end of the file would.
            with open(os.path.join(case, "camera.csv")) as f:
                data = f.read()
            err_path = os.path.join(d, "stdin_err.txt")
            with open(err_path, "w") as err_file:
                p = subprocess.Popen([vlac, "run", prog, "--input", "camera=-", "--drain"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=err_file, text=True)
                p.stdin.write(data + "end\n")
                p.stdin.flush()
                end = time.monotonic() + 30
                marker = f"<stdin>:{data.count(chr(10)) + 1}: "
                while marker not in open(err_path).read() and time.monotonic() < end:
                    time.sleep(0.02)
                p.send_signal(signal.SIGINT)
                out, _ = p.communicate(timeout=60)
            check("stdin --drain: exit 0", p.returncode == 0, open(err_path).read())
            check("stdin --drain: the expected output", out == expected, out[:300])

            # 9. --format table on live input prints each row as it comes: the first windows are
            # on the screen while the input is still open.
            lines = data.splitlines(keepends=True)
            p = subprocess.Popen([vlac, "run", prog, "--input", "camera=-", "--format", "table"], stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, bufsize=1)
            p.stdin.write("".join(lines[:201]))
            p.stdin.flush()
            seen = b""  # read from the descriptor: select() knows nothing of a file object's buffer
            end = time.monotonic() + 30
            while seen.count(b"\n") < 4 and time.monotonic() < end:
                if select.select([p.stdout], [], [], 0.5)[0]:
                    seen += os.read(p.stdout.fileno(), 65536)
            shown = seen.decode().splitlines(keepends=True)
            check("live table: rows before the end of input", len(shown) >= 4 and p.poll() is None, "".join(shown))
            p.stdin.write("".join(lines[201:]))
            p.stdin.close()
            rest = p.stdout.read()
            p.wait(timeout=60)
            table = "".join(shown) + rest
            rows = expected.count("\n") - 1
            check("live table: every row, then the count", table.rstrip("\n").endswith(f"({rows} rows)") and
                  len(table.splitlines()) == rows + 3, table[-300:])
            first = expected.splitlines()[1].split(",")
            check("live table: the first row's values", len(shown) > 2 and shown[2].split() == first, "".join(shown))

            # 10. --idle-timeout: camera frames as-of joined with a sporadic instruction topic.
            # Without it, a frame's result waits for the instructions' watermark to pass it,
            # which only a next instruction (or the end) moves; with it, the quiet topic stops
            # holding results back, and an instruction that comes after is late.
            idle_prog = os.path.join(d, "idle.vsql")
            with open(idle_prog, "w") as f:
                f.write(IDLE_PROGRAM)
            frames = [f"2026-01-01T00:00:0{k}.5Z,{k}" for k in range(10)]
            want = "frame_id,text\n" + "".join(f"{k},pick up the cup\n" for k in range(10))
            for flag in ([], ["--idle-timeout", "300ms"]):
                run = Run(vlac, [idle_prog, "--input", f"frames={url}/idle/f{len(flag)}?format=csv",
                                 "--input", f"instructions={url}/idle/i{len(flag)}?format=csv", "--drain", "--stats"] + flag, d)
                check("idle: subscribed", run.wait_for(f"idle/f{len(flag)}: subscribed") and run.wait_for(f"idle/i{len(flag)}: subscribed"), run.stderr())
                publish(port, f"idle/i{len(flag)}", ["2026-01-01T00:00:00Z,pick up the cup"])
                publish(port, f"idle/f{len(flag)}", frames)
                # Rows so far: the run flushes each as it is emitted. With the flag, the first
                # nine frames meet the instruction within a few seconds (the tenth waits for
                # the frames' own watermark); without it, none may come.
                seen = b""
                end = time.monotonic() + (8 if flag else 1.5)
                while time.monotonic() < end and seen.count(b"\n") < 10:
                    if select.select([run.proc.stdout], [], [], 0.1)[0]:
                        seen += os.read(run.proc.stdout.fileno(), 65536)
                if flag:
                    check("idle: results while the instructions are quiet", seen.count(b"\n") == 10, seen.decode())
                    publish(port, f"idle/i{len(flag)}", ["2026-01-01T00:00:01Z,too late"])
                    run.wait_for("nothing", 1)  # let it arrive
                else:
                    check("idle: without the flag results wait", seen.count(b"\n") <= 1, seen.decode())
                code, out, err = run.finish(signal.SIGINT)
                out = seen.decode() + out
                check(f"idle {flag}: exit 0", code == 0, err)
                check(f"idle {flag}: every frame met the instruction", out == want, out + err)
                if flag:
                    check("idle: the instruction behind the watermark is late", "AsofJoin: 12 in, 10 out, 1 late" in err, err)

            # 11. The REPL's .input reads a topic too; the query's counts are computed here from
            # the recording.
            rows = csv_records(os.path.join(CASES, "spec_cam_stats", "camera.csv"))
            counts = {}
            for r in rows:
                counts[r.split(",")[1]] = counts.get(r.split(",")[1], 0) + 1
            script = (open(os.path.join(CASES, "spec_cam_stats", "program.vsql")).read().split("CREATE STREAM cam_stats")[0] +
                      f".input camera={url}/repl/camera?format=csv&count={len(rows)}\n"
                      "SELECT cam_id, COUNT(*) AS frames FROM camera GROUP BY cam_id;\n")
            err_path = os.path.join(d, "repl_err.txt")
            with open(err_path, "w") as err_file:
                p = subprocess.Popen([vlac, "repl"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err_file, text=True)
                p.stdin.write(script)
                p.stdin.flush()
                end = time.monotonic() + 30
                while "subscribed" not in open(err_path).read() and time.monotonic() < end:
                    time.sleep(0.02)
                publish(port, "repl/camera", rows)
                out, _ = p.communicate("", timeout=60)
            got = {}
            for line in out.splitlines():
                cells = line.split()
                if len(cells) == 2 and cells[0].isdigit() and cells[1].isdigit():
                    got[cells[0]] = int(cells[1])
            check("repl .input mqtt: the counts", got == counts, out + open(err_path).read())

            # 12. --checkpoint with a topic: killed (-9) in the middle, messages published while
            # vlac is away are kept by the broker for its persistent session, the journal replays
            # what it had read past its last snapshot, and the output file ends exactly as the
            # expected one. A last row far in the future makes every window of the recording
            # fire; SIGTERM then pauses the run (a last snapshot, exit 0).
            case = os.path.join(CASES, "spec_cam_stats")
            prog = os.path.join(case, "program.vsql")
            rows = csv_records(os.path.join(case, "camera.csv"))
            future = "2026-11-24T07:00:00Z,9,0,0.5,1"
            ck = os.path.join(d, "ck")
            os.mkdir(ck)
            out_path = os.path.join(d, "ck_out.csv")
            args = [prog, "--input", f"camera={url}/ck/camera?format=csv", "--output", f"cam_stats={out_path}",
                    "--checkpoint", ck, "--checkpoint-every", "40rows"]
            run = Run(vlac, args, d)
            check("checkpoint: subscribed", run.wait_for("subscribed"), run.stderr())
            publish(port, "ck/camera", rows[:300])
            end = time.monotonic() + 30
            while time.monotonic() < end:  # a few snapshots, and rows read past the last
                listed = subprocess.run([vlac, "checkpoints", ck], capture_output=True, text=True).stdout
                if "camera=2" in listed:
                    break
                time.sleep(0.05)
            time.sleep(0.2)
            run.proc.kill()
            run.finish()
            publish(port, "ck/camera", rows[300:400])  # vlac is away: the broker keeps them
            run = Run(vlac, args, d)
            check("checkpoint: goes on from a snapshot", run.wait_for("continuing from checkpoint") and run.wait_for("subscribed"),
                  run.stderr())
            publish(port, "ck/camera", rows[400:] + [future])
            want = expected
            end = time.monotonic() + 30
            while time.monotonic() < end and open(out_path).read() != want:
                time.sleep(0.05)
            code, _, err = run.finish(signal.SIGTERM)
            check("checkpoint: SIGTERM pauses with a snapshot (exit 0)", code == 0, err)
            got = open(out_path).read()
            check("checkpoint: exactly-once across the crash", got == want, got[-400:] + err)
        finally:
            broker.stop()

    return summary("mqtt")


if __name__ == "__main__":
    sys.exit(main())
