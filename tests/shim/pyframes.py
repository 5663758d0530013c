"""Calls libflux-core (the test double) from Python through ctypes, which, as
cffi does, releases the GIL around each call: the shim must record which Python
functions and lines made each call, on the main thread and on a Python thread.
The lines checked are marked `# frame: NAME` (assert_trace.py reads them).

    python3 pyframes.py PATH-OF-LIBFLUX-CORE
"""
import ctypes
import sys
import threading

import flux_ctypes

flux = flux_ctypes.load(sys.argv[1])


def echo(h, text):
    f = flux.flux_rpc(h, b"test.echo", text, 0xFFFFFFFF, 0)  # frame: echo
    answer = ctypes.c_char_p()
    if not f or flux.flux_rpc_get(f, ctypes.byref(answer)) < 0:
        sys.exit("pyframes: test.echo failed")
    print("echo:", answer.value.decode())
    flux.flux_future_destroy(f)


class Client:
    def __init__(self, h):
        self.h = h

    def run(self):
        echo(self.h, "main-thread".encode())  # frame: Client.run


def on_thréad():  # a name not in ASCII: stored as Latin-1, recorded as UTF-8
    h = flux.flux_open(b"loop://", 0)
    echo(h, "python-thread".encode())  # frame: on_thréad
    flux.flux_close(h)


def main():
    h = flux.flux_open(b"loop://", 0)
    Client(h).run()  # frame: main
    t = threading.Thread(target=on_thréad)
    t.start()
    t.join()
    flux.flux_close(h)


main()  # frame: <module>
