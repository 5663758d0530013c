/* tracepoints/cpython311.h against CPython 3.11's own headers: the offsets at
 * compile time, the string state bit-field at run time.  A mismatch would make
 * the shim read the wrong words of a traced Python program's frames. */
#include <Python.h>
#define Py_BUILD_CORE 1
#include "internal/pycore_frame.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "cpython311.h"

#define SAME(ours, type, member)                                                         \
    _Static_assert(ours == offsetof(type, member), #type "." #member " moved")
SAME(FT_PY_TSTATE_CFRAME, PyThreadState, cframe);
SAME(FT_PY_CFRAME_CURRENT_FRAME, _PyCFrame, current_frame);
SAME(FT_PY_FRAME_CODE, _PyInterpreterFrame, f_code);
SAME(FT_PY_FRAME_PREVIOUS, _PyInterpreterFrame, previous);
SAME(FT_PY_FRAME_PREV_INSTR, _PyInterpreterFrame, prev_instr);
SAME(FT_PY_FRAME_OWNER, _PyInterpreterFrame, owner);
SAME(FT_PY_CODE_FIRSTLINENO, PyCodeObject, co_firstlineno);
SAME(FT_PY_CODE_FILENAME, PyCodeObject, co_filename);
SAME(FT_PY_CODE_QUALNAME, PyCodeObject, co_qualname);
SAME(FT_PY_CODE_FIRSTTRACEABLE, PyCodeObject, _co_firsttraceable);
SAME(FT_PY_CODE_CODE, PyCodeObject, co_code_adaptive);
SAME(FT_PY_STR_LENGTH, PyASCIIObject, length);
SAME(FT_PY_STR_STATE, PyASCIIObject, state);
_Static_assert(FT_PY_STR_ASCII_DATA == sizeof(PyASCIIObject), "PyASCIIObject resized");
_Static_assert(FT_PY_STR_COMPACT_DATA == sizeof(PyCompactUnicodeObject),
               "PyCompactUnicodeObject resized");
_Static_assert(FT_PY_CODEUNIT_SIZE == sizeof(_Py_CODEUNIT), "_Py_CODEUNIT resized");
_Static_assert(FT_PY_FRAME_OWNED_BY_GENERATOR == FRAME_OWNED_BY_GENERATOR,
               "frame owner codes changed");
_Static_assert(FT_PY_VERSION_MAJOR_MINOR == (PY_VERSION_HEX >> 16), "not Python 3.11");

int main(void) {
    int failed = 0;
    for (unsigned kind = 1; kind <= 4; kind *= 2)
        for (unsigned flags = 0; flags < 4; flags++) {
            PyASCIIObject s;
            memset(&s, 0, sizeof s);
            s.state.interned = 3;
            s.state.kind = kind;
            s.state.compact = flags & 1;
            s.state.ascii = (flags >> 1) & 1;
            s.state.ready = 1;
            unsigned word;
            memcpy(&word, (const char *)&s + FT_PY_STR_STATE, sizeof word);
            if (FT_PY_STR_KIND(word) != kind || FT_PY_STR_COMPACT(word) != (flags & 1) ||
                FT_PY_STR_ASCII(word) != ((flags >> 1) & 1)) {
                fprintf(stderr,
                        "not ok: state kind %u compact %u ascii %u read as %u %u %u\n",
                        kind, flags & 1, (flags >> 1) & 1, FT_PY_STR_KIND(word),
                        FT_PY_STR_COMPACT(word), FT_PY_STR_ASCII(word));
                failed = 1;
            }
        }
    if (!failed)
        printf("ok: CPython 3.11 layouts as tracepoints/cpython311.h has them\n");
    return failed;
}
