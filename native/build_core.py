"""cffi build script for the native engine (API mode). Replaced by the native engine work."""
from cffi import FFI

ffibuilder = FFI()
ffibuilder.cdef("int ringvm_core_abi(void);")
ffibuilder.set_source("ringvm.native._core", "int ringvm_core_abi(void) { return 0; }")
