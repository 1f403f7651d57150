#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Soak: many consecutive probe-guest boots, then SIGTERM at random points.

usage: soak.py --image KEEL --hang-image KEEL --runs N --sigterms M --work DIR
               [--seed S] [--kill-bound SECONDS]

--image boots the probe to power-off; --hang-image is the same VMM with
probe.fault=hang on the guest command line (the vCPU spins after the
VMM's whole setup). Each of the N rounds does:
  1. a boot on a fresh pseudo-terminal: exit status 0, "probe: end" seen,
     the terminal's settings as before (tcgetattr, what stty -g prints);
     /proc/<pid> is sampled every few ms while it runs: the highest VmHWM
     (peak RSS; the kernel's VmHWM is not monotonic through the teardown,
     so the last sample is not the peak) and the most frequent open fd
     count (the steady state, not a transient of setup or teardown).
     (wait4()'s ru_maxrss is no use: it keeps the peak of the forked
     Python child before exec.)
  2. a hang-mode boot sampled once the guest loops: open fds
     (/proc/<pid>/fd), VmRSS, VmHWM and threads (/proc/<pid>/status);
     then SIGTERM: status 143 within the bound.
Across rounds the fd and thread counts must not change and RSS must not
creep (the last tenth of the rounds against the first tenth).
Then M boots get SIGTERM after a random delay in [0, 1.2 x boot time]:
exit within the bound with 0 (finished first) or 128+15 (or killed by the
signal before keel handles it), no process left in its session, the
terminal restored, no file left in its cwd, TMPDIR or /dev/shm.
The time from SIGTERM to exit is judged without the time keel's threads
spent runnable but waiting for a CPU (run_delay in /proc/<pid>/task/*/
schedstat, summed over its threads): on an overloaded host that wait is
the host's, not keel's; a deadlock accumulates none of it. The raw wall
time is reported too, and any exit slower than HARD_BOUND fails.
Every process started gets its own session; nothing else is signalled.
Prints a summary; exits 1 on any failure.
"""
import argparse
import os
import pty
import random
import select
import signal
import statistics
import subprocess
import sys
import termios
import time

HARD_BOUND = 20.0  # seconds from SIGTERM to exit, whatever the host's load
RSS_CREEP_KIB = 512  # allowed growth of the mean RSS, first tenth -> last tenth


def anon_huge_kib(pid):
    """KiB of pid's memory in transparent huge pages (smaps_rollup AnonHugePages).

    Whether the kernel backs the guest's RAM with a 2 MiB THP or with 4 KiB
    pages is its choice (khugepaged, fragmentation), not keel's: it moves
    VmRSS by up to 2 MiB per huge page from one run to the next."""
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            if line.startswith("AnonHugePages:"):
                return int(line.split()[1])
    return 0


def proc_sample(pid, image, thp=False):
    """(open fds, VmHWM KiB, VmRSS KiB, threads[, THP KiB]) of pid once it runs image, or None."""
    try:
        if os.readlink(f"/proc/{pid}/exe") != image:
            return None  # not exec'd yet: the forked Python child
        fds = len(os.listdir(f"/proc/{pid}/fd"))
        status = {}
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                k, _, v = line.partition(":")
                status[k] = v.split()[0] if v.split() else ""
        sample = fds, int(status["VmHWM"]), int(status["VmRSS"]), int(status["Threads"])
        return sample + (anon_huge_kib(pid),) if thp else sample
    except (OSError, KeyError, ValueError):
        return None  # exiting: no mm, or gone


def run_delays(pid):
    """{tid: ns spent runnable waiting for a CPU} of every thread of pid."""
    waits = {}
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                    waits[tid] = int(f.read().split()[1])
            except (OSError, IndexError, ValueError):
                pass
    except OSError:
        pass
    return waits


def threads_now(pid):
    """What each thread of pid is doing: name, state, system call, kernel stack top."""
    lines = []
    try:
        tids = sorted(os.listdir(f"/proc/{pid}/task"), key=int)
    except OSError:
        return ["(no threads left: the kernel is tearing the process down)"]
    for tid in tids:
        d = f"/proc/{pid}/task/{tid}"
        try:
            with open(f"{d}/comm") as f:
                comm = f.read().strip()
            with open(f"{d}/stat") as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
            with open(f"{d}/syscall") as f:
                sc = f.read().split()[0]
            try:
                with open(f"{d}/stack") as f:
                    top = " < ".join(x.split()[-1] for x in f.read().splitlines()[:3])
            except OSError:
                top = "?"
            lines.append(f"{tid} {comm} state {state} syscall {sc}: {top}")
        except (OSError, IndexError):
            pass
    return lines or ["(no threads left: the kernel is tearing the process down)"]


class StopClock:
    """Time from SIGTERM to exit, and how much of it keel's threads waited for a CPU."""

    def __init__(self, pid, bound):
        self.pid = pid
        self.bound = bound
        self.t0 = time.monotonic()
        self.first = run_delays(pid)
        self.last = dict(self.first)
        self.snapshot = None

    def sample(self):
        self.last.update(run_delays(self.pid))
        if self.snapshot is None and time.monotonic() - self.t0 > self.bound:
            self.snapshot = threads_now(self.pid)

    def result(self):
        wall = time.monotonic() - self.t0
        waited = sum(v - self.first.get(t, v) for t, v in self.last.items()) / 1e9
        return wall, min(wall, waited), self.snapshot


class Soak:
    def __init__(self, args):
        self.a = args
        self.failures = []
        self.slow = []
        self.cwd = os.path.join(args.work, "cwd")
        self.tmp = os.path.join(args.work, "tmp")
        os.makedirs(self.cwd, exist_ok=True)
        os.makedirs(self.tmp, exist_ok=True)
        self.env = dict(os.environ, TMPDIR=self.tmp)

    def fail(self, what, err=None):
        self.failures.append(what)
        print(f"    FAIL {what}", flush=True)
        if err:
            for line in err.splitlines()[-8:]:
                print(f"      | {line}")

    def files(self):
        seen = set()
        for d in (self.cwd, self.tmp, "/dev/shm"):
            try:
                seen |= {os.path.join(d, n) for n in os.listdir(d)}
            except OSError:
                pass
        return seen

    def spawn(self, image, stdin, stdout, err_path):
        with open(err_path, "wb") as err:
            return subprocess.Popen([image], stdin=stdin, stdout=stdout, stderr=err,
                                    cwd=self.cwd, env=self.env, start_new_session=True)

    @staticmethod
    def session_empty(sid):
        """No process is left in the session keel led."""
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                if os.getsid(int(pid)) == sid:
                    return False
            except OSError:
                pass
        return True

    def run_pty(self, image, err_path, kill_after=None):
        """Run on a fresh pty, SIGTERM after kill_after seconds if given. Returns (status,
        /proc samples, output, secs, StopClock result or None, terminal restored, sid)."""
        master, slave = pty.openpty()
        before = termios.tcgetattr(slave)
        proc = self.spawn(image, slave, slave, err_path)
        start = time.monotonic()
        out = b""
        killed_at = None
        clock = None
        status = None
        samples = []
        image = os.path.realpath(image)
        while status is None:
            now = time.monotonic()
            if kill_after is not None and killed_at is None and now - start >= kill_after:
                clock = StopClock(proc.pid, self.a.kill_bound)
                os.kill(proc.pid, signal.SIGTERM)  # a zombie not yet reaped takes it too
                killed_at = time.monotonic()
            r, _, _ = select.select([master], [], [], 0.002)
            if r:
                try:
                    out += os.read(master, 65536)
                except OSError:
                    pass
            if clock:
                clock.sample()
            else:
                sample = proc_sample(proc.pid, image, thp=True)
                if sample:
                    samples.append(sample)
            pid, st = os.waitpid(proc.pid, os.WNOHANG)
            if pid:
                status = os.waitstatus_to_exitcode(st)
                proc.returncode = status
                break
            limit = killed_at + HARD_BOUND if killed_at is not None else start + 60
            if time.monotonic() > limit:
                os.kill(proc.pid, signal.SIGKILL)
                os.waitpid(proc.pid, 0)
                status = "hung (SIGKILLed)"
        end = time.monotonic()
        while select.select([master], [], [], 0)[0]:
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            if not data:
                break
            out += data
        restored = termios.tcgetattr(slave) == before
        os.close(master)
        os.close(slave)
        stop = clock.result() if clock else None
        return status, samples, out.decode(errors="replace"), end - start, \
            stop, restored, proc.pid

    def boot(self, i):
        err = os.path.join(self.a.work, "boot.err")
        files = self.files()
        st, samples, out, secs, _, restored, sid = self.run_pty(self.a.image, err)
        if samples:
            # the steady state: the fds while every thread of keel runs
            busy = max(x[3] for x in samples)
            fds = statistics.mode(x[0] for x in samples if x[3] == busy)
            hwm = max(x[1] for x in samples)
            # RSS in small pages while every thread runs (THP is the kernel's
            # pick; VmRSS and smaps_rollup are two reads, so a THP split or
            # collapse between them shows as one odd sample: the median)
            small = statistics.median(x[2] - x[4] for x in samples if x[3] == busy)
        else:
            fds = hwm = small = None
        ok = True
        if st != 0:
            self.fail(f"boot {i}: status {st}, expected 0", open(err).read())
            ok = False
        elif "probe: end" not in out:
            self.fail(f"boot {i}: the probe did not reach its end", out)
            ok = False
        if not restored:
            self.fail(f"boot {i}: terminal settings changed")
            ok = False
        if not self.session_empty(sid):
            self.fail(f"boot {i}: a process is left in keel's session")
        if self.files() != files:
            self.fail(f"boot {i}: files appeared: {sorted(self.files() - files)}")
        return ok, fds, (hwm, small), secs

    def sample_hang(self, i):
        """Boot the hang image, sample /proc once the guest spins, SIGTERM it."""
        err = os.path.join(self.a.work, "hang.err")
        r, w = os.pipe()
        proc = self.spawn(self.a.hang_image, subprocess.DEVNULL, w, err)
        os.close(w)
        out = b""
        deadline = time.monotonic() + 30
        while b"probe: fault hang" not in out and time.monotonic() < deadline:
            if select.select([r], [], [], 0.05)[0]:
                data = os.read(r, 65536)
                if not data:
                    break
                out += data
        sample = None
        if b"probe: fault hang" in out:
            time.sleep(0.02)  # the vCPU is in its loop; the VMM is idle
            sample = proc_sample(proc.pid, os.path.realpath(self.a.hang_image), thp=True)
            if not sample:
                self.fail(f"hang {i}: cannot sample /proc/{proc.pid}")
        else:
            self.fail(f"hang {i}: the guest never reached its loop", open(err).read())
        clock = StopClock(proc.pid, self.a.kill_bound)
        proc.send_signal(signal.SIGTERM)
        while proc.poll() is None and time.monotonic() - clock.t0 < HARD_BOUND:
            clock.sample()
            time.sleep(0.002)
        stop = clock.result()
        st = proc.poll()
        if st is None:
            proc.kill()
            st = f"still running after {HARD_BOUND}s (SIGKILLed)"
            proc.wait()
        self.check_stop(f"hang {i}", stop)
        while True:
            data = os.read(r, 65536)
            if not data:
                break
        os.close(r)
        if st != 143:
            self.fail(f"hang {i}: SIGTERM gave status {st}, expected 143", open(err).read())
        if not self.session_empty(proc.pid):
            self.fail(f"hang {i}: a process is left in keel's session")
        return sample, stop

    def check_stop(self, what, stop):
        """stop = (wall, waited for a CPU) from SIGTERM to exit."""
        wall, waited, snapshot = stop
        if wall - waited > self.a.kill_bound:
            self.fail(f"{what}: exit took {wall:.3f}s after SIGTERM, {wall - waited:.3f}s of it"
                      f" not waiting for a CPU (bound {self.a.kill_bound}s; load average"
                      f" {os.getloadavg()[0]:.1f}); its threads at {self.a.kill_bound}s:",
                      "\n".join(snapshot or []))
        elif wall > self.a.kill_bound:
            self.slow.append(f"{what}: {wall:.3f}s wall, {waited:.3f}s of it runnable waiting"
                             f" for a CPU (load average {os.getloadavg()[0]:.1f})")

    def sigterm(self, i, delay):
        err = os.path.join(self.a.work, "sigterm.err")
        files = self.files()
        st, _, out, _, stop, restored, sid = self.run_pty(self.a.image, err, kill_after=delay)
        if st not in (0, 143, -signal.SIGTERM):
            self.fail(f"SIGTERM {i} after {delay:.3f}s: status {st}, expected 143 or 0",
                      open(err).read())
        if stop is not None:
            self.check_stop(f"SIGTERM {i} after {delay:.3f}s", stop)
        if not restored and isinstance(st, int):
            self.fail(f"SIGTERM {i} after {delay:.3f}s (status {st}): terminal settings changed")
        if not self.session_empty(sid):
            self.fail(f"SIGTERM {i} after {delay:.3f}s: a process is left in keel's session")
        if self.files() != files:
            self.fail(f"SIGTERM {i}: files appeared: {sorted(self.files() - files)}")
        return st, stop


def spread(values, unit=""):
    if not values:
        return "-"
    return f"min {min(values)}{unit} max {max(values)}{unit}"


def stop_text(stops):
    if not stops:
        return "-"
    return (f"max {max(x[0] for x in stops):.3f}s wall,"
            f" max {max(x[0] - x[1] for x in stops):.3f}s"
            f" not counting the wait for a CPU")


def creep(values):
    """Mean of the last tenth minus mean of the first tenth."""
    k = max(1, len(values) // 10)
    return statistics.mean(values[-k:]) - statistics.mean(values[:k])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--image", required=True)
    p.add_argument("--hang-image", required=True)
    p.add_argument("--runs", type=int, default=200)
    p.add_argument("--sigterms", type=int, default=50)
    p.add_argument("--work", required=True)
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--kill-bound", type=float, default=2.0)
    a = p.parse_args()
    seed = a.seed if a.seed is not None else int.from_bytes(os.urandom(4), "little")
    rng = random.Random(seed)
    s = Soak(a)
    print(f"    soak: {a.runs} boots + {a.runs} hang samples, {a.sigterms} SIGTERMs,"
          f" seed {seed} (SOAK_SEED={seed} repeats the delays)", flush=True)

    boot_ok, boot_fds, boot_hwm, boot_small, secs, samples, hang_stops = 0, [], [], [], [], [], []
    t0 = time.monotonic()
    for i in range(1, a.runs + 1):
        ok, fds, hwm, t = s.boot(i)
        boot_ok += ok
        if fds is not None:
            boot_fds.append(fds)
            boot_hwm.append(hwm[0])
            boot_small.append(hwm[1])
        secs.append(t)
        sample, stop = s.sample_hang(i)
        hang_stops.append(stop)
        if sample:
            samples.append(sample)
        if i % 50 == 0:
            print(f"    ... {i} rounds, {len(s.failures)} failure(s),"
                  f" {time.monotonic() - t0:.0f}s", flush=True)

    fds = [x[0] for x in samples]
    hwm = [x[1] for x in samples]
    rss = [x[2] for x in samples]
    thp = [x[4] for x in samples]
    # RSS in small pages: what keel's own allocations move; the THP share is
    # reported, not judged (the kernel picks it per run)
    rss_small = [x[2] - x[4] for x in samples]
    threads = [x[3] for x in samples]
    if len(boot_fds) < a.runs * 9 // 10:
        s.fail(f"only {len(boot_fds)} of {a.runs} boots could be sampled in /proc")
    for name, vals in (("open fds at the hang", fds), ("threads at the hang", threads),
                       ("open fds during the boots", boot_fds)):
        if len(set(vals)) > 1:
            s.fail(f"{name} differ between runs: {sorted(set(vals))}")
    for name, vals in (("VmRSS less AnonHugePages of the boots", boot_small),
                       ("VmRSS less AnonHugePages at the hang", rss_small)):
        if len(vals) >= 10 and creep(vals) > RSS_CREEP_KIB:
            s.fail(f"{name} creeps up by {creep(vals):.0f} KiB over the runs")

    boot_t = statistics.median(secs) if secs else 0.2
    stops, statuses = [], {}
    for i in range(1, a.sigterms + 1):
        delay = rng.uniform(0, boot_t * 1.2)
        st, stop = s.sigterm(i, delay)
        statuses[st] = statuses.get(st, 0) + 1
        if stop is not None:
            stops.append(stop)

    print(f"    boots:     {a.runs} runs, {boot_ok} ok, {a.runs - boot_ok} failed;"
          f" wall median {boot_t:.3f}s, max {max(secs, default=0):.3f}s")
    print(f"    boots:     open fds {spread(boot_fds)}; peak VmHWM"
          f" {spread(boot_hwm, ' KiB')}; VmRSS less THP (median of a run) {spread(boot_small, ' KiB')}"
          f" (creep {creep(boot_small) if boot_small else 0:+.0f} KiB)")
    print(f"    at hang:   fds {spread(fds)}; threads {spread(threads)};"
          f" VmRSS {spread(rss, ' KiB')} (in THP {spread(thp, ' KiB')};"
          f" less THP creep {creep(rss_small) if rss_small else 0:+.0f} KiB);"
          f" VmHWM {spread(hwm, ' KiB')}")
    print(f"    hang SIGTERM -> exit: {stop_text(hang_stops)}")
    st_text = ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items(), key=str))
    print(f"    SIGTERMs:  {a.sigterms} at 0..{boot_t * 1.2:.3f}s, statuses {{{st_text}}};"
          f" exit after the signal {stop_text(stops)} (bound {a.kill_bound}s)")
    for line in s.slow:
        print(f"    slow exit, host overloaded: {line}")
    print(f"    soak: {len(s.failures)} failure(s)")
    sys.exit(1 if s.failures else 0)


if __name__ == "__main__":
    main()
