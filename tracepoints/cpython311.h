/* The parts of CPython 3.11's data structures that pyframes.c reads, as byte
 * offsets on 64-bit Linux.  Taken from Python 3.11's headers (cpython/pystate.h,
 * cpython/code.h, cpython/unicodeobject.h, internal/pycore_frame.h) and checked
 * against them by tests/preload/cpython_layout_test.c. */
#ifndef FLUXTRACE_CPYTHON311_H
#define FLUXTRACE_CPYTHON311_H

enum {
    /* PyThreadState */
    FT_PY_TSTATE_CFRAME = 56, /* _PyCFrame *cframe */
    /* _PyCFrame */
    FT_PY_CFRAME_CURRENT_FRAME = 8, /* _PyInterpreterFrame *current_frame */
    /* _PyInterpreterFrame */
    FT_PY_FRAME_CODE = 32,       /* PyCodeObject *f_code */
    FT_PY_FRAME_PREVIOUS = 48,   /* _PyInterpreterFrame *previous */
    FT_PY_FRAME_PREV_INSTR = 56, /* _Py_CODEUNIT *prev_instr */
    FT_PY_FRAME_OWNER = 69,      /* char owner */
    FT_PY_FRAME_OWNED_BY_GENERATOR = 1,
    /* PyCodeObject */
    FT_PY_CODE_FIRSTLINENO = 72,     /* int co_firstlineno */
    FT_PY_CODE_FILENAME = 112,       /* PyObject *co_filename (str) */
    FT_PY_CODE_QUALNAME = 128,       /* PyObject *co_qualname (str) */
    FT_PY_CODE_FIRSTTRACEABLE = 168, /* int _co_firsttraceable */
    FT_PY_CODE_CODE = 184,           /* char co_code_adaptive[] */
    FT_PY_CODEUNIT_SIZE = 2,         /* sizeof(_Py_CODEUNIT) */
    /* PyASCIIObject, PyCompactUnicodeObject */
    FT_PY_STR_LENGTH = 16,       /* Py_ssize_t length (code points) */
    FT_PY_STR_STATE = 32,        /* the state bit-field, as an unsigned int */
    FT_PY_STR_ASCII_DATA = 48,   /* sizeof(PyASCIIObject): an ASCII string's bytes */
    FT_PY_STR_COMPACT_DATA = 72, /* sizeof(PyCompactUnicodeObject) */
};

/* The state bit-field: interned:2, kind:3, compact:1, ascii:1, ready:1. */
#define FT_PY_STR_KIND(state) (((state) >> 2) & 7u)
#define FT_PY_STR_COMPACT(state) (((state) >> 5) & 1u)
#define FT_PY_STR_ASCII(state) (((state) >> 6) & 1u)

#define FT_PY_VERSION_MAJOR_MINOR 0x030B /* Py_Version >> 16 */

#endif /* FLUXTRACE_CPYTHON311_H */
