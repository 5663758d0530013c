"""libflux-core through ctypes, for Python programs that test the shim (as
cffi does, ctypes releases the GIL around each call).

    flux = flux_ctypes.load(PATH-OF-LIBFLUX-CORE)
    h = flux.flux_open(b"loop://", 0)
"""
import ctypes


def load(path):
    """The library made global, then its calls taken from the global scope,
    where the shim's wrappers come first (as flux-core's own cffi module, linked
    against libflux-core, calls it)."""
    ctypes.CDLL(path, mode=ctypes.RTLD_GLOBAL)
    flux = ctypes.CDLL(None)
    flux.flux_open.restype = ctypes.c_void_p
    flux.flux_open.argtypes = [ctypes.c_char_p, ctypes.c_int]
    flux.flux_close.argtypes = [ctypes.c_void_p]
    flux.flux_rpc.restype = ctypes.c_void_p
    flux.flux_rpc.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p,
                              ctypes.c_uint, ctypes.c_int]
    flux.flux_rpc_get.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_char_p)]
    flux.flux_future_destroy.argtypes = [ctypes.c_void_p]
    return flux
