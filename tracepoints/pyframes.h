/* The Python frames of the calling thread, when the process runs CPython 3.11
 * (Debian 12's): which Python function and line made a libflux call through
 * flux-core's bindings.
 *
 * cffi releases the GIL around every call into C, so the interpreter's own API
 * (PyEval_GetFrame and friends) cannot be used there.  The calling thread's
 * frame chain is read instead, as a debugger would: only that thread changes
 * it, and it is inside a libflux call, so the chain holds still.  Nothing is
 * imported, allocated in Python or locked in the interpreter.  The layouts read
 * are those of CPython 3.11 on 64-bit Linux (tests/preload/cpython_layout_test.c
 * checks them against Python's own headers); any other Python, or a process
 * without one, gets no Python frames.
 */
#ifndef FLUXTRACE_PYFRAMES_H
#define FLUXTRACE_PYFRAMES_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A code object seen for the first time in this process: what a report needs
 * to name its frames.  The strings are valid during the call only. */
struct ft_pycode {
    uint64_t code; /* the code object's address: its identity in `pystack` */
    const char *qualname;
    const char *file;
    int32_t firstlineno;
};

/* Looks the interpreter up in the process (dlsym: call where the loader's lock
 * may be taken).  Returns whether Python frames can be read. */
bool ft_py_init(void);

/* Fills `out` with up to `max_frames` frames of the calling thread, innermost
 * first, two words each: the code object's address and the line.  Calls
 * `announce` first for each code object this process has not announced yet.
 * Returns the number of words written (0 outside Python). */
uint32_t ft_py_capture(uint64_t *out, uint32_t max_frames,
                       void (*announce)(const struct ft_pycode *code));

/* In a fork child: every code object is announced anew, as the child is a new
 * process to the analyzer. */
void ft_py_forget_announced(void);

#ifdef __cplusplus
}
#endif

#endif /* FLUXTRACE_PYFRAMES_H */
