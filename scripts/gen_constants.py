#!/usr/bin/env python3
"""Writes supervisor/arch/constants_table.inc: every symbolic constant a policy
may name for an argument (ioctl requests, prctl options, fcntl commands, socket
levels and options, open flags, modes, clone flags ...), with its value on this
machine, read from the C library's and the kernel's headers (Debian's libc6-dev
and linux-libc-dev). Nothing is downloaded.

  scripts/gen_constants.py            rewrite the table
  scripts/gen_constants.py --check    exit 1 when a name of the table has another
                                      value in this machine's headers, or none (what
                                      the unit test ConstantsTable.MatchesHeaders runs);
                                      names newer headers add are only noted

How: the headers are run through the preprocessor (`cc -E -dD`), which names
the file each macro and enum constant comes from; the names of the families
below are kept; each value is computed by the compiler itself (a probe file
per header, compiled to assembly), so casts, sizeof and _IOR() are evaluated
exactly as a program would see them. Names that do not evaluate to an integer
constant (strings, function calls) are left out.

Precedence: the C library first (the values programs are built with; so
O_LARGEFILE is glibc's 0 on x86_64), then each kernel header in turn, for
names the C library lacks; a name is taken from the first header that
defines it and where it evaluates.
"""
import argparse
import bisect
import concurrent.futures
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "supervisor", "arch", "constants_table.inc")
INCLUDE = "/usr/include"
MULTIARCH = "/usr/include/x86_64-linux-gnu"

# The C library's headers, included together (one umbrella).
LIBC_HEADERS = [
    "fcntl.h", "unistd.h", "sys/stat.h", "sys/socket.h", "netinet/in.h", "netinet/tcp.h", "netinet/udp.h",
    "sys/mman.h", "sys/prctl.h", "signal.h", "sched.h", "sys/ioctl.h", "sys/wait.h", "sys/mount.h",
    "sys/file.h", "sys/ptrace.h", "sys/resource.h", "time.h", "sys/random.h", "sys/eventfd.h",
    "sys/timerfd.h", "sys/signalfd.h", "sys/epoll.h", "sys/inotify.h", "linux/personality.h",
    "linux/seccomp.h",
]

# Kernel header directories whose every header is read (asm-generic only
# through asm/, which picks this architecture's variant).
KERNEL_DIRS = ["asm", "linux", "misc", "sound", "mtd", "rdma", "drm", "scsi", "video", "xen"]

# Families by name, for the C library's umbrella (any of its files) and, for
# names it lacks, the kernel files given.
FAMILIES = [
    # open(2), *at(2), access(2), fcntl(2), flock(2), modes
    (r"O_[A-Z0-9_]+", ["linux/fcntl.h", "asm-generic/fcntl.h"]),
    (r"AT_[A-Z0-9_]+", ["linux/fcntl.h"]),
    (r"[FRWX]_OK", []),
    (r"F_[A-Z0-9_]+|FD_CLOEXEC|DN_[A-Z]+|RWH_WRITE_LIFE_[A-Z]+|LOCK_[A-Z]+|POSIX_FADV_[A-Z]+|SEEK_[A-Z]+",
     ["linux/fcntl.h", "asm-generic/fcntl.h"]),
    (r"S_I[A-Z]+", []),
    (r"RENAME_[A-Z]+", ["linux/fs.h"]),
    # sockets: families, types, flags, levels, options
    (r"(AF|PF)_[A-Z0-9_]+|SOCK_[A-Z]+|MSG_[A-Z_]+|SHUT_[A-Z]+|SOMAXCONN", ["linux/socket.h", "linux/net.h"]),
    (r"SOL_[A-Z0-9_]+|SO_[A-Z0-9_]+|SCM_[A-Z0-9_]+", ["asm-generic/socket.h", "asm/socket.h", "linux/socket.h"]),
    (r"IPPROTO_[A-Z0-9_]+|IP_[A-Z0-9_]+|IPV6_[A-Z0-9_]+|MCAST_[A-Z_]+", ["linux/in.h", "linux/in6.h"]),
    (r"TCP_(?!NLA_|FLAG_)[A-Z0-9_]+", ["linux/tcp.h"]),  # not netlink attributes or header bits
    (r"UDP_[A-Z0-9_]+", ["linux/udp.h"]),
    (r"NETLINK_[A-Z0-9_]+", ["linux/netlink.h"]),
    (r"PACKET_[A-Z0-9_]+", ["linux/if_packet.h"]),
    (r"ALG_[A-Z0-9_]+", ["linux/if_alg.h"]),
    # processes, memory, signals
    (r"CSIGNAL|CLONE_[A-Z0-9_]+", ["linux/sched.h"]),
    (r"(PROT|MAP|MADV|MREMAP|MFD|MLOCK|MCL|PKEY)_[A-Z0-9_]+|MS_(ASYNC|SYNC|INVALIDATE)",
     ["asm-generic/mman-common.h", "asm-generic/mman.h", "asm/mman.h", "linux/mman.h", "linux/memfd.h"]),
    (r"PR_[A-Z0-9_]+", ["linux/prctl.h"]),
    (r"ARCH_[A-Z0-9_]+", ["asm/prctl.h"]),
    (r"PER_[A-Z0-9_]+|ADDR_NO_RANDOMIZE|ADDR_COMPAT_LAYOUT|ADDR_LIMIT_32BIT|ADDR_LIMIT_3GB|READ_IMPLIES_EXEC|"
     r"SHORT_INODE|WHOLE_SECONDS|STICKY_TIMEOUTS|UNAME26|FDPIC_FUNCPTRS|MMAP_PAGE_ZERO", []),
    (r"SECCOMP_[A-Z0-9_]+", ["linux/seccomp.h"]),
    (r"SIG(?!RTMIN|RTMAX)[A-Z0-9]+", []),
    (r"W(NOHANG|UNTRACED|STOPPED|EXITED|CONTINUED|NOWAIT|NOTHREAD|ALL|CLONE)", []),
    (r"P_(ALL|PID|PGID|PIDFD)", []),
    (r"RLIMIT_[A-Z]+", []),
    (r"CLOCK_[A-Z_]+|TIMER_ABSTIME", []),
    (r"PTRACE_[A-Z0-9_]+", []),
    (r"FUTEX_[A-Z0-9_]+", ["linux/futex.h"]),
    (r"GRND_[A-Z]+", ["linux/random.h"]),
    (r"EFD_[A-Z]+|TFD_[A-Z_]+|SFD_[A-Z]+|EPOLL_CLOEXEC|IN_(CLOEXEC|NONBLOCK)", []),
    # mount(2), umount2(2) and the new mount API
    (r"MS_[A-Z_]+|MNT_[A-Z]+|UMOUNT_NOFOLLOW|MOUNT_ATTR_[A-Z_]+|MOVE_MOUNT_[A-Z_]+|OPEN_TREE_[A-Z]+|"
     r"FSMOUNT_[A-Z]+|FSOPEN_[A-Z]+|FSPICK_[A-Z_]+", ["linux/mount.h"]),
    # Landlock rights and rule types
    (r"LANDLOCK_[A-Z0-9_]+", ["linux/landlock.h"]),
]
FAMILY_RES = [(re.compile(r"(?:%s)\Z" % rx), files) for rx, files in FAMILIES]

# Old ioctl requests that are plain numbers, not _IO() encodings: by file,
# name and value range.
LEGACY_IOCTLS = [
    ("asm-generic/ioctls.h", r"(TC|TIOC|FIO)[A-Z0-9_]+", 0x5400, 0x54FF),
    ("asm-generic/ioctls.h", r"FIO[A-Z0-9_]+", 0x5400, 0x5FFF),
    ("x86_64-linux-gnu/bits/ioctls.h", r"SIOC[A-Z0-9_]+", 0x8900, 0x89FF),
    ("linux/sockios.h", r"SIOC[A-Z0-9_]+", 0x8900, 0x89FF),
    ("asm/sockios.h", r"(SIOC|FIO)[A-Z0-9_]+", 0x8900, 0x89FF),
    ("asm-generic/sockios.h", r"(SIOC|FIO)[A-Z0-9_]+", 0x8900, 0x89FF),
    ("linux/wireless.h", r"SIOC[A-Z0-9_]+", 0x8B00, 0x8BFF),
    ("linux/kd.h", r"(KD[A-Z0-9]+|GIO_[A-Z0-9_]+|PIO_[A-Z0-9_]+|KIOCSOUND)", 0x4B00, 0x4BFF),
    ("linux/vt.h", r"VT_[A-Z0-9_]+", 0x5600, 0x56FF),
    ("linux/cdrom.h", r"(CDROM|DVD_|CDROM_)[A-Z0-9_]+", 0x5300, 0x53FF),
    ("linux/hdreg.h", r"HDIO_[A-Z0-9_]+", 0x0300, 0x03FF),
    ("linux/fd.h", r"FD[A-Z0-9_]+", 0x0200, 0x02FF),
]

IOC_MAKERS = {"_IO", "_IOR", "_IOW", "_IOWR", "_IOC", "_IOR_BAD", "_IOW_BAD", "_IOWR_BAD"}

LINE_MARK = re.compile(r'^# \d+ "([^"]+)"')
DEFINE = re.compile(r"^#define ([A-Za-z_][A-Za-z0-9_]*)(\([^)]*\))?(?:\s+(.*))?$")
ENUM = re.compile(r"\benum\b\s*[A-Za-z_0-9]*\s*\{([^{}]*)\}", re.S)


def rel(path):
    for base in (MULTIARCH + "/", INCLUDE + "/"):
        if path.startswith(base):
            return path[len(base):]
    return path


class Scan:
    """What one preprocessor run saw: macros and enum constants by defining file."""

    def __init__(self, text):
        self.where = {}  # name -> file (first definition)
        self.body = {}  # object-like macro -> body
        self.funcs = {}  # function-like macro -> body
        cur = None
        code = []  # (file, text) of non-directive lines, for enums
        for line in text.splitlines():
            m = LINE_MARK.match(line)
            if m:
                cur = rel(m.group(1))
                continue
            m = DEFINE.match(line)
            if m:
                name, params, body = m.group(1), m.group(2), (m.group(3) or "").strip()
                if params is not None:
                    self.funcs.setdefault(name, body)
                elif name not in self.where:
                    self.where[name] = cur
                    self.body[name] = body
                continue
            if line.startswith("#"):
                continue
            code.append((cur, line))
        # Enum constants: enums rarely span files, so each is attributed to the
        # file of its first line.
        joined = []
        files = []
        for f, line in code:
            files.append((len("".join(joined)), f))
            joined.append(line + "\n")
        text = "".join(joined)
        starts = [p for p, _ in files]
        for m in ENUM.finditer(text):
            i = bisect.bisect_right(starts, m.start()) - 1
            f = files[i][1] if i >= 0 else None
            for item in m.group(1).split(","):
                item = re.sub(r"__attribute__\s*\(\(.*?\)\)", "", item).strip()
                n = re.match(r"([A-Za-z_][A-Za-z0-9_]*)", item)
                if n and n.group(1) not in self.where:
                    self.where[n.group(1)] = f
                    self.body[n.group(1)] = None  # an enum constant


def preprocess(cc, header_text):
    with tempfile.NamedTemporaryFile("w", suffix=".c", delete=False) as f:
        f.write(header_text)
        path = f.name
    try:
        r = subprocess.run([cc, "-E", "-dD", "-w", path], capture_output=True, text=True, errors="replace")
        return r.stdout if r.returncode == 0 else None
    finally:
        os.unlink(path)


def evaluate(cc, prelude, names):
    """Values of `names` after `prelude`, by compiling; names that do not
    evaluate to an integer constant are left out."""
    names = list(names)
    values = {}
    for _ in range(8):
        if not names:
            break
        src = prelude + "\n"
        first = src.count("\n") + 1
        for i, n in enumerate(names):
            src += "const long long sg_v_%d = (long long)(%s);\n" % (i, n)
        with tempfile.NamedTemporaryFile("w", suffix=".c", delete=False) as f:
            f.write(src)
            path = f.name
        try:
            r = subprocess.run([cc, "-S", "-O0", "-w", "-fno-asynchronous-unwind-tables", "-o", "-", path],
                               capture_output=True, text=True, errors="replace")
        finally:
            os.unlink(path)
        if r.returncode != 0:
            bad = set()
            for m in re.finditer(re.escape(os.path.basename(path)) + r":(\d+):\d+: error", r.stderr):
                line = int(m.group(1))
                if line >= first:
                    bad.add(line - first)
            if not bad:
                return values  # the header itself fails here
            names = [n for i, n in enumerate(names) if i not in bad]
            continue
        for m in re.finditer(r"^sg_v_(\d+):\n\s*\.(quad|zero)\s+(-?\d+)", r.stdout, re.M):
            i, kind, v = int(m.group(1)), m.group(2), int(m.group(3))
            values[names[i]] = 0 if kind == "zero" else v
        break
    return values


def family_match(name, file, libc):
    if name.startswith("_"):
        return False
    for rx, files in FAMILY_RES:
        if rx.match(name):
            if libc:
                return True
            return any(file == f or file.endswith("/" + f) for f in files)
    return False


def ioctl_names(scan):
    makers = set(IOC_MAKERS)
    changed = True
    call = lambda body, names: any(re.search(r"\b%s\s*\(" % re.escape(m), body) for m in names)
    while changed:
        changed = False
        for f, body in scan.funcs.items():
            if f not in makers and call(body, makers):
                makers.add(f)
                changed = True
    out = set()
    for n, body in scan.body.items():
        if body and not n.startswith("_") and call(body, makers):
            out.add(n)
    changed = True
    while changed:  # aliases: #define SIOCGSTAMP SIOCGSTAMP_OLD
        changed = False
        for n, body in scan.body.items():
            if n not in out and body and not n.startswith("_") and body.strip("() ") in out:
                out.add(n)
                changed = True
    return out


def legacy_ioctl(name, file, value):
    for f, rx, lo, hi in LEGACY_IOCTLS:
        if (file == f or file.endswith("/" + f)) and re.fullmatch(rx, name) and lo <= value <= hi:
            return True
    return False


# A header is read only if its own text can define something wanted: an
# ioctl encoding, a name of a family, or one of the old numbered ioctls. asm/
# headers are always read (they pull in asm-generic/, which is not read alone).
MAYBE = re.compile(r"_IO(R|W|WR)?(_BAD)?\s*\(|_IOC\s*\(|\b(?:%s)\b" % "|".join("(?:%s)" % rx for rx, _ in FAMILIES))


def wanted_header(rel_path, base):
    if rel_path.startswith("asm/") or any(rel_path == f for f, _, _, _ in LEGACY_IOCTLS):
        return True
    with open(os.path.join(base, rel_path), errors="replace") as f:
        return MAYBE.search(f.read()) is not None


def kernel_headers():
    out = []
    for d in KERNEL_DIRS:
        base = os.path.join(MULTIARCH if d == "asm" else INCLUDE, d)
        for root, _, files in os.walk(base):
            for fn in sorted(files):
                if fn.endswith(".h"):
                    base = MULTIARCH if d == "asm" else INCLUDE
                    rel_path = os.path.relpath(os.path.join(root, fn), base)
                    if wanted_header(rel_path, base):
                        out.append(rel_path)
    return sorted(out, key=lambda h: (KERNEL_DIRS.index(h.split("/")[0]), h))


def legacy_candidate(name, file):
    return any((file == f or file.endswith("/" + f)) and re.fullmatch(rx, name) for f, rx, _, _ in LEGACY_IOCTLS)


def generate(cc, jobs):
    entries = {}  # name -> (value, ioctl, file)
    settled = set()  # names evaluated once (kept or not): never evaluated again

    def candidates(scan, libc, ioctls):
        out = []
        for n, f in scan.where.items():
            f = f or "?"
            if n in settled or n.startswith("_"):
                continue
            if n in ioctls or family_match(n, f, libc) or legacy_candidate(n, f):
                out.append(n)
        return out

    def take(scan, values, libc, ioctls):
        for n, v in values.items():
            f = scan.where.get(n) or "?"
            is_ioctl = n in ioctls or legacy_ioctl(n, f, v)
            settled.add(n)
            if not is_ioctl and not family_match(n, f, libc):
                continue
            entries[n] = (v, is_ioctl, f)

    libc_prelude = "#define _GNU_SOURCE\n" + "".join("#include <%s>\n" % h for h in LIBC_HEADERS)
    text = preprocess(cc, libc_prelude)
    if text is None:
        sys.exit("the C library's headers do not preprocess: " + " ".join(LIBC_HEADERS))
    scan = Scan(text)
    ioctls = ioctl_names(scan)
    take(scan, evaluate(cc, libc_prelude, candidates(scan, True, ioctls)), True, ioctls)

    headers = kernel_headers()
    # Many uapi headers use _IOR() and __u32 without including what defines them.
    preludes = {h: "#include <linux/ioctl.h>\n#include <linux/types.h>\n#include <%s>\n" % h for h in headers}
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        texts = list(pool.map(lambda h: preprocess(cc, preludes[h]), headers))
    scans = []
    for h, t in zip(headers, texts):
        if t is not None:
            s = Scan(t)
            scans.append((h, s, ioctl_names(s)))
    skipped = [h for h, t in zip(headers, texts) if t is None]
    # Each name is evaluated in the first header (in order) that defines it; a
    # name that does not evaluate there (an incomplete type, say) is tried in
    # the next one that defines it.
    tried = set()
    while True:
        work = []
        assigned = set()
        for h, s, io in scans:
            names = [n for n in candidates(s, False, io) if (n, h) not in tried and n not in assigned]
            if names:
                assigned.update(names)
                work.append((h, s, io, names))
        if not work:
            break
        with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
            results = list(pool.map(lambda w: evaluate(cc, preludes[w[0]], w[3]), work))
        for (h, s, io, names), values in zip(work, results):
            tried.update((n, h) for n in names)
            take(s, values, False, io)
    return entries, skipped


def versions(cc):
    def q(pkg):
        r = subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg], capture_output=True, text=True)
        return r.stdout.strip() or "?"
    cc_version = subprocess.run([cc, "-dumpfullversion"], capture_output=True, text=True).stdout.strip()
    return "libc6-dev %s, linux-libc-dev %s, %s %s" % (q("libc6-dev"), q("linux-libc-dev"), os.path.basename(cc),
                                                      cc_version)


def render(entries, source):
    lines = [
        "// The constants policies may name, with their values on x86_64.",
        "//",
        "// GENERATED FILE -- do not edit; regenerate with scripts/gen_constants.py",
        "// (the unit test ConstantsTable.MatchesHeaders checks it against the headers).",
        "// From the headers of: %s." % source,
        "// Each entry: name, value, kinds; the header it comes from.",
    ]
    for n in sorted(entries):
        v, ioctl, f = entries[n]
        value = "%d" % v if v < 0 or v < 10 else "0x%x" % v
        lines.append('{"%s", %s, %s},  // %s' % (n, value, "kIoctl" if ioctl else "kPlain", f))
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="compare with the table instead of writing it")
    ap.add_argument("--cc", default=os.environ.get("CC", "cc"))
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = ap.parse_args()
    entries, skipped = generate(args.cc, args.jobs)
    if skipped:
        print("note: %d headers do not compile alone and were skipped: %s" % (len(skipped), " ".join(skipped)),
              file=sys.stderr)
    text = render(entries, versions(args.cc))
    if args.check:
        try:
            old = open(OUT).read()
        except OSError:
            old = ""
        body = lambda t: [l for l in t.splitlines() if not l.startswith("//")]
        if body(old) != body(text):
            a, b = set(body(old)), set(body(text))
            # A name the table gives a value the headers do not (changed or
            # gone) is an error; names that newer headers add are only noted,
            # so a point release of linux-libc-dev does not fail the build.
            wrong = sorted(a - b)
            for l in wrong[:20]:
                print("not from these headers: " + l)
            added = sorted(b - a)
            if wrong:
                for l in added[:20]:
                    print("missing or different in the table: " + l)
                print("%s differs from this machine's headers: run scripts/gen_constants.py" % os.path.relpath(OUT, ROOT))
                return 1
            print("note: these headers define %d constants the table lacks (newer headers?): run "
                  "scripts/gen_constants.py to add them" % len(added), file=sys.stderr)
        print("%s: %d constants, as the headers give" % (os.path.relpath(OUT, ROOT), len(entries)))
        return 0
    with open(OUT, "w") as f:
        f.write(text)
    print("wrote %s: %d constants (%d ioctl requests)" % (os.path.relpath(OUT, ROOT), len(entries),
                                                         sum(1 for e in entries.values() if e[1])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
