"""Starts `lightbox serve` for a benchmark and reads the port it chose from its log."""
import re
import subprocess
import sys
import threading


def start_serve(binary, arguments):
    """`binary serve --port 0 ARGUMENTS...`: returns the process and its port once it serves; its log
    is drained on a thread of its own so that it never blocks on a full pipe."""
    server = subprocess.Popen([binary, "serve", "--port", "0", *arguments], stderr=subprocess.PIPE, text=True)
    for line in server.stderr:
        match = re.search(r"serving on http://[^:]+:(\d+)", line)
        if match:
            threading.Thread(target=lambda: [None for _ in server.stderr], daemon=True).start()
            return server, int(match.group(1))
    sys.exit("the server did not start")
