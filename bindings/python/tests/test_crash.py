"""A Python process killed with SIGKILL in the middle of upserts loses no acknowledged write."""

import os
import signal
import subprocess
import sys
import time
import unittest

import vajra
from tests.helpers import TempDirTest

HERE = os.path.dirname(os.path.abspath(__file__))

CHILD = r"""
import sys
import vajra
c = vajra.Collection.open(sys.argv[1])
i = 0
while True:
    batch = [{"id": "d%d-%d" % (i, j), "title": "doc %d" % i, "content": "text %d %d" % (i, j),
              "metadata": {"batch": i}} for j in range(20)]
    c.upsert(batch)
    print(i, flush=True)
    i += 1
"""


class CrashTest(TempDirTest):
    @unittest.skipUnless(hasattr(signal, "SIGKILL"), "needs SIGKILL")
    def test_sigkill_mid_upsert(self):
        path = self.path("c")
        vajra.Collection.create(path, embedder="hash", dim=32, profile="instant").close()
        env = dict(os.environ, PYTHONPATH=os.path.join(HERE, "..") + os.pathsep + os.environ.get("PYTHONPATH", ""))
        p = subprocess.Popen([sys.executable, "-c", CHILD, path], stdout=subprocess.PIPE, env=env, text=True)
        acked = -1
        deadline = time.monotonic() + 60
        try:
            while acked < 30 and time.monotonic() < deadline:
                line = p.stdout.readline()
                if not line:
                    break
                acked = int(line)
        finally:
            p.send_signal(signal.SIGKILL)
            p.wait()
        # Acknowledgements printed before the kill but not read yet.
        for line in p.stdout.read().splitlines():
            if line.strip().isdigit():
                acked = int(line)
        p.stdout.close()
        self.assertEqual(p.returncode, -signal.SIGKILL)
        self.assertGreaterEqual(acked, 30, "the child acknowledged only %d batches" % (acked + 1))
        with vajra.Collection.open(path) as c:
            ids = set(c.ids())
            missing = ["d%d-%d" % (i, j) for i in range(acked + 1) for j in range(20) if "d%d-%d" % (i, j) not in ids]
            self.assertEqual(missing, [])
            # At most the batch in flight when the child died is there besides the acknowledged ones.
            self.assertLessEqual(len(ids), (acked + 2) * 20)
            self.assertEqual(c.search("doc", mode="lexical", filter="batch = %d" % acked, k=50).hits[0].metadata["batch"], acked)
        self.assertTrue(vajra.check(path)["ok"])


if __name__ == "__main__":
    unittest.main()
